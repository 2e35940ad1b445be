using System.Text;
using System.Text.Encodings.Web;
using Alerting.Labels;
using Alerting.Matching;
using Alerting.Persistence;
using Alerting.Silences;
using Npgsql;
using NpgsqlTypes;

namespace Alerting.Links;

/// <summary>
/// The pages behind the links in messages. GET only shows (a chat app's link preview must never act);
/// the button on the confirmation page POSTs the action. Small, server-rendered, no JavaScript.
/// </summary>
internal static class ActionPages
{
    public static void MapActionPages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/action/{token}", Show);
        app.MapPost("/action/{token}", Act).DisableAntiforgery();
    }

    private static async Task<IResult> Show(string token, LinkSigner signer, NpgsqlDataSource db, SilenceStore silences, TimeProvider time, CancellationToken ct)
    {
        var (claims, problem) = await signer.VerifyAsync(token, ct);
        if (claims is null)
        {
            return Page("Link not valid", $"<p class=\"error\">{Html(problem!)}</p>", StatusCodes.Status400BadRequest);
        }
        if (claims.Action == LinkClaims.View)
        {
            return Page($"Alert group {claims.GroupKey}", await ViewAsync(claims, db, silences, time, ct));
        }
        var what = claims.Action == LinkClaims.Silence
            ? $"Silence this group for {TimeSpan.FromSeconds(claims.SilenceSeconds ?? 3600).TotalHours:0.#} h"
            : "Acknowledge this group (no repeat notifications until a new alert joins or it resolves)";
        var form = $"""
            <p>{Html(what)}:</p>
            <p><code>{Html(claims.GroupKey)}</code></p>
            {Labels(claims.GroupLabels)}
            <form method="post">
              <label for="name">Your name (optional)</label>
              <input id="name" name="name" maxlength="100" autocomplete="name">
              <button type="submit">{(claims.Action == LinkClaims.Silence ? "Silence" : "Acknowledge")}</button>
            </form>
            """;
        return Page(what, form);
    }

    private static async Task<IResult> Act(string token, HttpRequest request, LinkSigner signer, NpgsqlDataSource db, SilenceStore silences, TimeProvider time, CancellationToken ct)
    {
        var (claims, problem) = await signer.VerifyAsync(token, ct);
        if (claims is null)
        {
            return Page("Link not valid", $"<p class=\"error\">{Html(problem!)}</p>", StatusCodes.Status400BadRequest);
        }
        if (claims.Action == LinkClaims.View)
        {
            return TypedResults.Redirect(request.Path);
        }
        var form = request.HasFormContentType ? await request.ReadFormAsync(ct) : null;
        var name = form?["name"].ToString().Trim() is { Length: > 0 } n ? n[..Math.Min(n.Length, 100)] : "someone via a notification link";
        var now = time.GetUtcNow();

        // A link acts once: a second click (or a replayed request) changes nothing.
        await using (var used = db.CreateCommand("INSERT INTO used_links (nonce, used_at, used_by, action) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING"))
        {
            used.Parameters.Add(new NpgsqlParameter { Value = claims.Nonce });
            used.Parameters.Add(new NpgsqlParameter { Value = now.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            used.Parameters.Add(new NpgsqlParameter { Value = name });
            used.Parameters.Add(new NpgsqlParameter { Value = claims.Action });
            if (await used.ExecuteNonQueryAsync(ct) == 0)
            {
                return Page("Already done", "<p>This link was already used. Open the group to see its current state.</p>", StatusCodes.Status409Conflict);
            }
        }

        if (claims.Action == LinkClaims.Silence)
        {
            if (claims.GroupLabels.Count == 0)
            {
                return Page("Cannot silence from this link", "<p class=\"error\">This group has no grouping labels to silence by. Create the silence in Alerting instead.</p>", StatusCodes.Status422UnprocessableEntity);
            }
            var matchers = new Matchers([.. claims.GroupLabels.Select(kv => Matcher.Create(Matching.MatchType.Equal, kv.Key, kv.Value))]);
            var duration = TimeSpan.FromSeconds(claims.SilenceSeconds ?? 3600);
            var result = await silences.SetAsync(null, matchers, now, now + duration, name, $"Silenced from a notification link for group {claims.GroupKey}", ct);
            await RecordAsync(db, claims.GroupKey, "silenced", $"by {name} for {duration.TotalHours:0.#} h (silence {result.Id})", now, ct);
            return Page("Silenced", $"<p>Silenced for {duration.TotalHours:0.#} h by {Html(name)}.</p><p>Silence <code>{result.Id}</code></p>{Labels(claims.GroupLabels)}");
        }

        await using (var ack = db.CreateCommand("UPDATE aggregation_groups SET acknowledged_at = $2, acknowledged_by = $3 WHERE group_key = $1"))
        {
            ack.Parameters.Add(new NpgsqlParameter { Value = claims.GroupKey });
            ack.Parameters.Add(new NpgsqlParameter { Value = now.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            ack.Parameters.Add(new NpgsqlParameter { Value = name });
            if (await ack.ExecuteNonQueryAsync(ct) == 0)
            {
                return Page("Nothing to acknowledge", "<p>This group has no active alerts any more.</p>", StatusCodes.Status410Gone);
            }
        }
        await RecordAsync(db, claims.GroupKey, "acknowledged", $"by {name}", now, ct);
        return Page("Acknowledged", $"<p>Acknowledged by {Html(name)}. No repeat notifications until a new alert joins the group or it resolves.</p>");
    }

    /// <summary>The acknowledgement or silence goes into every member alert's history.</summary>
    private static async Task RecordAsync(NpgsqlDataSource db, string groupKey, string @event, string detail, DateTimeOffset now, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            INSERT INTO alert_events (fingerprint, at, event, group_key, detail)
            SELECT fingerprint, $2, $3, $1, $4 FROM group_members WHERE group_key = $1
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = groupKey });
        cmd.Parameters.Add(new NpgsqlParameter { Value = now.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter { Value = @event });
        cmd.Parameters.Add(new NpgsqlParameter { Value = detail });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async Task<string> ViewAsync(LinkClaims claims, NpgsqlDataSource db, SilenceStore silences, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var html = new StringBuilder();
        await using (var cmd = db.CreateCommand("""
            SELECT a.labels, a.annotations, a.starts_at, a.ends_at, a.state, g.acknowledged_at, g.acknowledged_by
            FROM aggregation_groups g JOIN group_members m USING (group_key) JOIN alerts a USING (fingerprint)
            WHERE g.group_key = $1 ORDER BY a.starts_at
            """))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = claims.GroupKey });
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            var any = false;
            html.Append("<h2>Alerts</h2><ul class=\"alerts\">");
            while (await reader.ReadAsync(ct))
            {
                if (!any && !reader.IsDBNull(5))
                {
                    html.Insert(0, $"<p class=\"ack\">Acknowledged by {Html(reader.IsDBNull(6) ? "someone" : reader.GetString(6))} at {reader.GetFieldValue<DateTimeOffset>(5):yyyy-MM-dd HH:mm} UTC</p>");
                }
                any = true;
                var labels = LabelJson.Read(reader.GetString(0));
                var annotations = LabelJson.Read(reader.GetString(1));
                var state = reader.GetFieldValue<DateTimeOffset>(3) <= now ? "resolved" : reader.GetString(4);
                html.Append($"<li><strong>{Html(labels.Get("alertname"))}</strong> <span class=\"state {state}\">{state}</span> since {reader.GetFieldValue<DateTimeOffset>(2):yyyy-MM-dd HH:mm} UTC");
                if (annotations.Get("summary") is { Length: > 0 } summary)
                {
                    html.Append($"<br>{Html(summary)}");
                }
                html.Append(Labels(labels.ToDictionary(kv => kv.Key, kv => kv.Value))).Append("</li>");
            }
            html.Append("</ul>");
            if (!any)
            {
                html.Append("<p>No active alerts in this group.</p>");
            }
        }

        var matching = (await silences.ActiveOrPendingAsync(now, ct))
            .Where(s => s.Matchers.Matches(LabelSet.From(claims.GroupLabels)))
            .ToList();
        html.Append("<h2>Silences</h2>");
        html.Append(matching.Count == 0
            ? "<p>None match this group.</p>"
            : "<ul>" + string.Concat(matching.Select(s => $"<li>{Html(s.Matchers.ToString())} until {s.EndsAt:yyyy-MM-dd HH:mm} UTC by {Html(s.CreatedBy)}: {Html(s.Comment)}</li>")) + "</ul>");

        await using (var cmd = db.CreateCommand("SELECT at, event, coalesce(detail, '') FROM alert_events WHERE group_key = $1 ORDER BY at DESC, id DESC LIMIT 50"))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = claims.GroupKey });
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            html.Append("<h2>History</h2><ul class=\"history\">");
            while (await reader.ReadAsync(ct))
            {
                html.Append($"<li>{reader.GetFieldValue<DateTimeOffset>(0):yyyy-MM-dd HH:mm:ss} {Html(reader.GetString(1))} {Html(reader.GetString(2))}</li>");
            }
            html.Append("</ul>");
        }
        return html.ToString();
    }

    private static string Labels(IReadOnlyDictionary<string, string> labels) =>
        "<p class=\"labels\">" + string.Join(" ", labels.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"<code>{Html(kv.Key)}={Html(kv.Value)}</code>")) + "</p>";

    private static string Html(string s) => HtmlEncoder.Default.Encode(s);

    private static IResult Page(string title, string body, int status = StatusCodes.Status200OK) => TypedResults.Content($$"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="robots" content="noindex">
        <title>{{Html(title)}} – Alerting</title>
        <style>
          body { font: 16px/1.5 system-ui, sans-serif; margin: 1rem auto; max-width: 40rem; padding: 0 1rem; color: #1b1b1b; background: #fff; overflow-wrap: anywhere; }
          @media (prefers-color-scheme: dark) { body { color: #eee; background: #161616; } code { background: #333; } }
          code { background: #f0f0f0; padding: 0 .25rem; border-radius: 3px; word-break: break-all; }
          .error { color: #b00020; } .state { font-weight: 600; } .firing { color: #c62828; } .resolved { color: #2e7d32; }
          form { display: grid; gap: .5rem; margin-top: 1rem; } input, button { font: inherit; padding: .6rem; }
          button { background: #1565c0; color: #fff; border: 0; border-radius: 4px; }
        </style>
        </head>
        <body>
        <h1>{{Html(title)}}</h1>
        {{body}}
        </body>
        </html>
        """, "text/html; charset=utf-8", Encoding.UTF8, status);
}
