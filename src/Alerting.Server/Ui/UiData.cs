using Alerting.Alerts;
using Alerting.Configuration;
using Alerting.Core.Alerts;
using Alerting.Core.Inhibition;
using Alerting.Core.Matching;
using Alerting.Core.Silences;
using Alerting.Persistence;
using Npgsql;
using NpgsqlTypes;

namespace Alerting.Ui;

/// <summary>An alert as the alerts page shows it: what the store says plus what the running configuration says now.</summary>
internal sealed record UiAlert(
    StoredAlert Stored,
    IReadOnlyList<Core.Routing.Route> Routes,
    string State,
    IReadOnlyList<Silence> SilencedBy,
    IReadOnlyList<(string Fingerprint, string Name)> InhibitedBy,
    string? AcknowledgedBy,
    DateTimeOffset? AcknowledgedAt)
{
    public Alert Alert => Stored.Alert;
}

internal sealed record UiDestination(string Receiver, string Integration, int Pending, DateTimeOffset? OldestPending, DateTimeOffset? LastSuccess, DateTimeOffset? LastFailure, string? LastError, int FailuresLastHour, string? LastOutcome);

internal sealed record UiInstance(string Name, string Address, string Version, DateTimeOffset StartedAt, DateTimeOffset LastSeen);

/// <summary>The reads behind the pages. Every figure comes from PostgreSQL, so every instance shows the same.</summary>
internal sealed class UiData(NpgsqlDataSource db, AlertReader alerts, SilenceStore silences, ConfigHolder config, TimeProvider time, MatcherSyntax syntax)
{
    /// <summary>How the pages parse matchers and check label names: --enable-feature's mode, as the API.</summary>
    public MatcherSyntax Syntax => syntax;

    /// <summary>Active alerts (or, with <paramref name="resolved"/>, those resolved within the retention) with state and suppression.</summary>
    public async Task<List<UiAlert>> AlertsAsync(bool resolved, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var runtime = config.Current;
        if (resolved)
        {
            return [.. (await alerts.RecentlyResolvedAsync(now, 500, ct)).Select(a => Resolved(runtime, a))];
        }
        var active = await alerts.ActiveAsync(now, ct);
        var activeSilences = await ActiveSilencesAsync(now, ct);
        var views = AlertQuery.Evaluate(runtime, active, activeSilences, now);
        var (states, acks) = await StatesAsync(null, views.Count, ct);
        var byId = activeSilences.ToDictionary(s => s.Id.ToString());
        // Names of the inhibiting alerts only: the page shows "inhibited by <alertname>".
        var inhibitors = views.SelectMany(v => v.InhibitedBy).ToHashSet(StringComparer.Ordinal);
        var names = inhibitors.Count == 0 ? [] : views.Where(v => inhibitors.Contains(v.Alert.Labels.FingerprintHex))
            .ToDictionary(v => v.Alert.Labels.FingerprintHex, v => v.Alert.Labels.Get("alertname"));
        return [.. views.Select(view => Present(view, states, acks, byId, names))];
    }

    /// <summary>
    /// One alert, as <see cref="AlertsAsync"/> shows it. Only that alert and the silences are read, and the
    /// active alerts only when an inhibit rule's target side matches it: then any of them could inhibit it.
    /// </summary>
    public async Task<UiAlert?> AlertAsync(ulong fingerprint, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var runtime = config.Current;
        if (await alerts.OneAsync(fingerprint, ct) is not { } stored)
        {
            return null;
        }
        if (stored.Alert.Resolved(now))
        {
            return Resolved(runtime, stored);
        }
        var labels = stored.Alert.Labels;
        var sources = runtime.InhibitRules.Any(r => r.TargetMatchers.Matches(labels)) ? await alerts.ActiveAsync(now, ct) : [];
        var activeSilences = await ActiveSilencesAsync(now, ct);
        var view = AlertQuery.View(runtime, stored, new Inhibitor(runtime.InhibitRules, sources.Select(a => a.Alert), now), new SilenceIndex(activeSilences));
        var (states, acks) = await StatesAsync(fingerprint, 1, ct);
        var byId = activeSilences.ToDictionary(s => s.Id.ToString());
        var names = sources.ToDictionary(a => a.Alert.Labels.FingerprintHex, a => a.Alert.Labels.Get("alertname"));
        return Present(view, states, acks, byId, names);
    }

    // Resolved alerts are not evaluated against silences or inhibition: none of that is read for them.
    private static UiAlert Resolved(RuntimeConfig runtime, StoredAlert stored) =>
        new(stored, runtime.Route.Match(stored.Alert.Labels), "resolved", [], [], null, null);

    private async Task<List<Silence>> ActiveSilencesAsync(DateTimeOffset now, CancellationToken ct) =>
        [.. (await silences.ActiveOrPendingAsync(now, ct)).Where(s => s.State(now) == SilenceState.Active)];

    /// <summary>An active alert's view with its stored state (suppression decided now wins), acknowledgement, silences and inhibitors' names.</summary>
    private static UiAlert Present(
        AlertView view,
        Dictionary<ulong, string> states,
        Dictionary<ulong, (string? By, DateTimeOffset? At)> acks,
        Dictionary<string, Silence> silencesById,
        Dictionary<string, string> names)
    {
        var fp = view.Alert.Fingerprint;
        var stored = states.GetValueOrDefault(fp, "pending");
        var state = view.Suppressed ? "suppressed" : stored == "suppressed" ? "pending" : stored;
        var ack = acks.GetValueOrDefault(fp);
        return new UiAlert(view.Stored, view.Routes, state,
            view.SilencedBy.Count == 0 ? [] : [.. view.SilencedBy.Select(id => silencesById[id])],
            view.InhibitedBy.Count == 0 ? [] : [.. view.InhibitedBy.Select(by => (by, names.GetValueOrDefault(by, by)))], ack.By, ack.At);
    }

    /// <summary>Stored states and acknowledgements of the active alerts, or of one of them by its key.</summary>
    private async Task<(Dictionary<ulong, string> States, Dictionary<ulong, (string? By, DateTimeOffset? At)> Acks)> StatesAsync(ulong? fingerprint, int expected, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            SELECT a.fingerprint, a.state, g.acknowledged_by, g.acknowledged_at
            FROM alerts a
            LEFT JOIN {Memberships.All} m ON m.fingerprint = a.fingerprint
            LEFT JOIN aggregation_groups g ON g.group_key = m.group_key AND g.route_id = m.route_id AND g.acknowledged_at IS NOT NULL
            WHERE a.ends_at > $1{(fingerprint is null ? "" : " AND a.fingerprint = $2")}
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow().UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        if (fingerprint is { } one)
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = unchecked((long)one) });
        }
        var states = new Dictionary<ulong, string>(expected);
        var acks = new Dictionary<ulong, (string?, DateTimeOffset?)>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var fp = unchecked((ulong)reader.GetInt64(0));
            states[fp] = State(reader.GetString(1));
            if (!reader.IsDBNull(3))
            {
                acks[fp] = (reader.IsDBNull(2) ? "someone" : reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3));
            }
        }
        return (states, acks);
    }

    // The few stored states as literals: not a string per alert kept for the page's life.
    private static string State(string stored) => stored switch
    {
        "firing" => "firing",
        "pending" => "pending",
        "suppressed" => "suppressed",
        "resolved" => "resolved",
        _ => stored,
    };

    /// <summary>Each configured destination's health: what waits in the outbox, the last success and failure, failures in the last hour.</summary>
    public async Task<List<UiDestination>> DestinationsAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var cmd = db.CreateCommand("""
            WITH pending AS (
                SELECT receiver, integration, count(*) AS n, min(created_at) AS oldest FROM outbox GROUP BY receiver, integration
            ), recent AS (
                SELECT receiver, integration,
                       max(at) FILTER (WHERE outcome = 'success') AS last_ok,
                       max(at) FILTER (WHERE outcome <> 'success') AS last_fail,
                       count(*) FILTER (WHERE outcome <> 'success' AND at >= $1) AS fails
                FROM notification_attempts GROUP BY receiver, integration
            ), latest AS (
                SELECT DISTINCT ON (receiver, integration) receiver, integration, outcome, error
                FROM notification_attempts ORDER BY receiver, integration, at DESC, id DESC
            )
            SELECT coalesce(p.receiver, r.receiver), coalesce(p.integration, r.integration), coalesce(p.n, 0), p.oldest,
                   r.last_ok, r.last_fail, coalesce(r.fails, 0), l.outcome, l.error
            FROM pending p
            FULL JOIN recent r ON r.receiver = p.receiver AND r.integration = p.integration
            LEFT JOIN latest l ON l.receiver = coalesce(p.receiver, r.receiver) AND l.integration = coalesce(p.integration, r.integration)
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (now - TimeSpan.FromHours(1)).UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        var found = new Dictionary<(string, string), UiDestination>();
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                DateTimeOffset? At(int i) => reader.IsDBNull(i) ? null : reader.GetFieldValue<DateTimeOffset>(i);
                var d = new UiDestination(reader.GetString(0), reader.GetString(1), (int)reader.GetInt64(2), At(3), At(4), At(5),
                    reader.IsDBNull(8) ? null : reader.GetString(8), (int)reader.GetInt64(6), reader.IsDBNull(7) ? null : reader.GetString(7));
                found[(d.Receiver, d.Integration)] = d;
            }
        }
        // Every configured destination is listed, even one that never sent.
        foreach (var receiver in config.Current.Config.Receivers)
        {
            foreach (var integration in Channels.Integrations.Of(receiver).Select(i => i.Name))
            {
                found.TryAdd((receiver.Name, integration), new UiDestination(receiver.Name, integration, 0, null, null, null, null, 0, null));
            }
        }
        return [.. found.Values.OrderByDescending(d => d.FailuresLastHour > 0 || d.Pending > 0).ThenBy(d => d.Receiver, StringComparer.Ordinal).ThenBy(d => d.Integration, StringComparer.Ordinal)];
    }

    public async Task<List<UiInstance>> InstancesAsync(CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT name, address, version, started_at, last_seen FROM instances WHERE last_seen >= $1 ORDER BY started_at");
        cmd.Parameters.Add(new NpgsqlParameter { Value = (time.GetUtcNow() - InstanceHeartbeat.LiveFor).UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        var result = new List<UiInstance>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result.Add(new UiInstance(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3), reader.GetFieldValue<DateTimeOffset>(4)));
        }
        return result;
    }

    /// <summary>
    /// Groups an alert belongs to now, with their receiver, as acknowledgements see them: groups of sibling routes with
    /// identical matchers and the same receiver are one (acknowledged when all of them are).
    /// </summary>
    public async Task<List<(string GroupKey, string Receiver, DateTimeOffset? AcknowledgedAt)>> GroupsOfAsync(ulong fingerprint, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            SELECT g.group_key, g.receiver, CASE WHEN bool_and(g.acknowledged_at IS NOT NULL) THEN max(g.acknowledged_at) END
            FROM {Memberships.All} m JOIN aggregation_groups g USING (group_key, route_id)
            WHERE m.fingerprint = $1 GROUP BY g.group_key, g.receiver ORDER BY g.group_key, g.receiver
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = unchecked((long)fingerprint) });
        var result = new List<(string, string, DateTimeOffset?)>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result.Add((reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2)));
        }
        return result;
    }
}
