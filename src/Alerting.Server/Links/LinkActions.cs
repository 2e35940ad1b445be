using Alerting.Core.Labels;
using Alerting.Core.Matching;
using Alerting.Core.Silences;
using Alerting.Grouping;
using Alerting.Persistence;
using Npgsql;
using NpgsqlTypes;

namespace Alerting.Links;

/// <summary>An alert of a group as the view link shows it.</summary>
internal sealed record LinkedAlert(LabelSet Labels, LabelSet Annotations, DateTimeOffset StartsAt, string State);

/// <summary>What the view link shows: the group's alerts, who acknowledged it, the silences that match it, its history.</summary>
internal sealed record LinkedGroup(
    IReadOnlyList<LinkedAlert> Alerts,
    string? AcknowledgedBy,
    DateTimeOffset? AcknowledgedAt,
    IReadOnlyList<Silence> Silences,
    IReadOnlyList<(DateTimeOffset At, string Event, string Detail)> History);

/// <summary>
/// What a verified action link does. A link acts once: its nonce goes into <c>used_links</c> first, so a
/// second click or a replayed request changes nothing.
/// </summary>
internal sealed class LinkActions(NpgsqlDataSource db, SilenceStore silences, Acknowledgements acknowledgements, HistoryReader history, TimeProvider time)
{
    /// <summary>The longest name a link's user may give.</summary>
    public const int MaxNameLength = 100;

    /// <summary>
    /// The self-declared name, as text PostgreSQL can store: control characters and unpaired surrogates dropped, cut to
    /// <see cref="MaxNameLength"/> characters without splitting a character (an emoji is two UTF-16 units). Null when empty.
    /// </summary>
    public static string? ActorName(string? name)
    {
        if (name is null)
        {
            return null;
        }
        var clean = new System.Text.StringBuilder(Math.Min(name.Length, MaxNameLength));
        foreach (var rune in name.EnumerateRunes())
        {
            if (System.Text.Rune.IsControl(rune) || rune == System.Text.Rune.ReplacementChar)
            {
                continue; // NUL and other controls; an unpaired surrogate reads as U+FFFD
            }
            if (clean.Length + rune.Utf16SequenceLength > MaxNameLength)
            {
                break;
            }
            clean.Append(rune.ToString());
        }
        var trimmed = clean.ToString().Trim();
        return trimmed.Length > 0 ? trimmed : null;
    }

    /// <summary>False when the link was used before.</summary>
    public async Task<bool> UseAsync(LinkClaims claims, string name, CancellationToken ct)
    {
        await using var used = db.CreateCommand("INSERT INTO used_links (nonce, used_at, used_by, action) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING");
        used.Parameters.Add(new NpgsqlParameter { Value = claims.Nonce });
        used.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow().UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        used.Parameters.Add(new NpgsqlParameter { Value = name });
        used.Parameters.Add(new NpgsqlParameter { Value = claims.Action });
        return await used.ExecuteNonQueryAsync(ct) > 0;
    }

    /// <summary>Silences the group by its grouping labels for the link's duration; the silence goes into every member's history.</summary>
    public async Task<Guid> SilenceAsync(LinkClaims claims, string name, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var matchers = new Matchers([.. claims.GroupLabels.Select(kv => Matcher.Create(Core.Matching.MatchType.Equal, kv.Key, kv.Value))]);
        var duration = TimeSpan.FromSeconds(claims.SilenceSeconds ?? 3600);
        var result = await silences.SetAsync(null, matchers, now, now + duration, name, $"Silenced from a notification link for group {claims.GroupKey}", ct);
        var id = result.Id!.Value;
        await using var cmd = db.CreateCommand($"""
            {AlertEvents.InsertInto}
            SELECT f, $2, 'silenced', $1, $3 FROM (SELECT DISTINCT fingerprint FROM {Memberships.All} m WHERE group_key = $1) AS m(f)
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = claims.GroupKey });
        cmd.Parameters.Add(new NpgsqlParameter { Value = now.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter { Value = $"by {name} for {duration.TotalHours:0.#} h (silence {id})" });
        await cmd.ExecuteNonQueryAsync(ct);
        return id;
    }

    public Task<bool> AcknowledgeAsync(LinkClaims claims, string name, CancellationToken ct) => acknowledgements.AcknowledgeAsync(claims.GroupKey, claims.Receiver, name, ct);

    public async Task<LinkedGroup> ViewAsync(LinkClaims claims, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var alerts = new List<LinkedAlert>();
        string? ackBy = null;
        DateTimeOffset? ackAt = null;
        await using (var cmd = db.CreateCommand($"""
            SELECT a.labels, a.annotations, a.starts_at, a.ends_at, a.state, g.acknowledged_at, g.acknowledged_by, a.fingerprint
            FROM aggregation_groups g JOIN {Memberships.All} m USING (group_key, route_id) JOIN alerts a USING (fingerprint)
            WHERE g.group_key = $1 AND ($2::text IS NULL OR g.receiver = $2) ORDER BY a.starts_at
            """))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = claims.GroupKey });
            cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)claims.Receiver ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            var seen = new HashSet<long>();
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                if (!reader.IsDBNull(5))
                {
                    ackAt = reader.GetFieldValue<DateTimeOffset>(5);
                    ackBy = reader.IsDBNull(6) ? "someone" : reader.GetString(6);
                }
                if (!seen.Add(reader.GetInt64(7)))
                {
                    continue; // in the groups of two routes, for a link from before links named their receiver
                }
                var state = reader.GetFieldValue<DateTimeOffset>(3) <= now ? "resolved" : reader.GetString(4);
                alerts.Add(new LinkedAlert(LabelJson.Read(reader.GetString(0)), LabelJson.Read(reader.GetString(1)), reader.GetFieldValue<DateTimeOffset>(2), state));
            }
        }

        var groupLabels = LabelSet.From(claims.GroupLabels);
        var matching = (await silences.ActiveOrPendingAsync(now, ct)).Where(s => s.Matchers.Matches(groupLabels)).ToList();

        var events = await history.EventsAsync(new HistoryQuery(50, NewestFirst: true, GroupKey: claims.GroupKey), ct);
        return new LinkedGroup(alerts, ackBy, ackAt, matching, [.. events.Select(e => (e.At, e.Event, e.Detail ?? ""))]);
    }
}
