using Npgsql;
using NpgsqlTypes;

namespace Alerting.Persistence;

/// <summary>
/// Which history rows to read, at most <paramref name="Limit"/>; every filter that is set must hold.
/// Events have no receiver, channel or outcome: those filters are for send attempts only.
/// </summary>
/// <param name="NewestFirst">Every caller reads newest first, so a limit keeps the latest (the history API then shows them oldest first).</param>
/// <param name="Channel">The integration's kind: "webhook" selects "webhook[0]", "webhook[1]"…</param>
/// <param name="WithAlerts">Read each attempt's alert fingerprints, not only their count: one attempt can carry thousands.</param>
internal sealed record HistoryQuery(
    int Limit,
    bool NewestFirst,
    ulong? Fingerprint = null,
    string? GroupKey = null,
    string? Receiver = null,
    string? Channel = null,
    bool FailuresOnly = false,
    DateTimeOffset? Since = null,
    bool WithAlerts = false);

/// <summary>An event of an alert's history: a row of <c>alert_events</c>, or half of one (see <see cref="HistoryReader.EventsAsync"/>).</summary>
internal sealed record StoredEvent(DateTimeOffset At, ulong Fingerprint, string Event, string? GroupKey, string? Detail);

/// <summary>A row of <c>notification_attempts</c>; <see cref="Alerts"/> is null unless the query asked for them.</summary>
internal sealed record StoredAttempt(
    DateTimeOffset At, string GroupKey, string Receiver, string Integration, string Outcome, int? StatusCode, string? Error,
    double LatencyMs, string? Reason, int AlertCount, IReadOnlyList<ulong>? Alerts);

/// <summary>
/// Reads the history tables for the history API, the UI pages and the view link. Only the filters that are
/// set reach the SQL: a catch-all "$1 IS NULL OR …" would, once auto-prepared with a generic plan, stop
/// using the indexes (events by fingerprint; attempts by group key, and by alert through the GIN index).
/// Events by group key have no index: it would cost every history row another entry on the ingest path (nor have the
/// arrivals kept on alert rows: by group key or time they are read from the whole alerts table).
/// </summary>
internal sealed class HistoryReader(NpgsqlDataSource db)
{
    public async Task<List<StoredEvent>> EventsAsync(HistoryQuery query, CancellationToken ct)
    {
        if (query.Receiver is not null || query.Channel is not null || query.FailuresOnly || query.WithAlerts)
        {
            throw new ArgumentException("events have no receiver, channel, outcome or alerts to filter or read", nameof(query));
        }
        await using var cmd = Command(query,
            new HistoryTable("SELECT at, fingerprint, event, group_key, detail, id FROM alert_events", p => $"fingerprint = {p}"),
            // A new alert's arrival and first group are kept on its row (see Ingestion.UpsertStatement); older ones are
            // history rows. An arrival sorts before a history row of the same time.
            new HistoryTable("SELECT first_seen_at AS at, fingerprint, first_event AS event, first_group_key AS group_key, NULL::text AS detail, 0::bigint AS id FROM alerts",
                p => $"fingerprint = {p}", GroupKey: "first_group_key", At: "first_seen_at", Always: "first_seen_at IS NOT NULL"));
        var result = new List<StoredEvent>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (result.Count < query.Limit && await reader.ReadAsync(ct))
        {
            var stored = new StoredEvent(reader.GetFieldValue<DateTimeOffset>(0), unchecked((ulong)reader.GetInt64(1)), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4));
            if (stored.GroupKey is not null && LifecycleEvents.Contains(stored.Event))
            {
                // Ingestion stores an alert's arrival and its first group as one row (an alert's own row for a new alert,
                // a history row for one firing again): it stands for both events.
                StoredEvent arrived = stored with { GroupKey = null }, grouped = stored with { Event = "grouped", Detail = null };
                StoredEvent[] pair = query.NewestFirst ? [grouped, arrived] : [arrived, grouped];
                // The arrival has no group: a query by group lists only the grouping.
                result.AddRange(query.GroupKey is null ? pair : [grouped]);
                continue;
            }
            result.Add(stored);
        }
        if (result.Count > query.Limit)
        {
            result.RemoveRange(query.Limit, result.Count - query.Limit);
        }
        return result;
    }

    /// <summary>The events of an alert's life that ingestion writes, with its first group when it joined one.</summary>
    private static readonly HashSet<string> LifecycleEvents = new(["received", "received_resolved", "refired"], StringComparer.Ordinal);

    public async Task<List<StoredAttempt>> AttemptsAsync(HistoryQuery query, CancellationToken ct)
    {
        var alerts = query.WithAlerts ? "alerts" : "NULL::bigint[]";
        await using var cmd = Command(query, new HistoryTable($"""
            SELECT at, group_key, receiver, integration, outcome, status_code, error, latency_ms, reason, cardinality(alerts), {alerts}
            FROM notification_attempts
            """, p => $"alerts @> ARRAY[{p}]"));
        var result = new List<StoredAttempt>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result.Add(new StoredAttempt(
                reader.GetFieldValue<DateTimeOffset>(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetInt32(5), reader.IsDBNull(6) ? null : reader.GetString(6), reader.GetDouble(7),
                reader.IsDBNull(8) ? null : reader.GetString(8), reader.IsDBNull(9) ? 0 : reader.GetInt32(9),
                reader.IsDBNull(10) ? null : [.. reader.GetFieldValue<long[]>(10).Select(f => unchecked((ulong)f))]));
        }
        return result;
    }

    /// <summary>A table read for a query: <see cref="ByFingerprint"/> says how it names an alert, the others its columns.</summary>
    private sealed record HistoryTable(string Select, Func<string, string> ByFingerprint, string GroupKey = "group_key", string At = "at", string? Always = null);

    /// <summary>The selects with the query's filters, order and limit; several are merged in that order, each cut at the limit first.</summary>
    private NpgsqlCommand Command(HistoryQuery query, params HistoryTable[] sources)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Limit);
        var cmd = db.CreateCommand();
        string? Parameter(object? value, NpgsqlDbType type)
        {
            if (value is null)
            {
                return null;
            }
            cmd.Parameters.Add(new NpgsqlParameter { Value = value, NpgsqlDbType = type });
            return $"${cmd.Parameters.Count}";
        }
        var fp = Parameter(query.Fingerprint is { } f ? (object)unchecked((long)f) : null, NpgsqlDbType.Bigint);
        var groupKey = Parameter(query.GroupKey, NpgsqlDbType.Text);
        var receiver = Parameter(query.Receiver, NpgsqlDbType.Text);
        var channel = Parameter(query.Channel is { } c ? c + "[" : null, NpgsqlDbType.Text);
        var since = Parameter(query.Since?.UtcDateTime, NpgsqlDbType.TimestampTz);
        string Filter(HistoryTable source)
        {
            List<string?> where =
            [
                source.Always,
                fp is null ? null : source.ByFingerprint(fp),
                groupKey is null ? null : $"{source.GroupKey} = {groupKey}",
                receiver is null ? null : $"receiver = {receiver}",
                channel is null ? null : $"starts_with(integration, {channel})",
                query.FailuresOnly ? "outcome <> 'success'" : null,
                since is null ? null : $"{source.At} >= {since}",
            ];
            var set = where.OfType<string>().ToList();
            return set.Count == 0 ? "" : $" WHERE {string.Join(" AND ", set)}";
        }
        var order = query.NewestFirst ? "at DESC, id DESC" : "at, id";
        var limit = $" ORDER BY {order} LIMIT {query.Limit}";
        cmd.CommandText = sources.Length == 1
            ? sources[0].Select + Filter(sources[0]) + limit
            : string.Join(" UNION ALL ", sources.Select(s => $"({s.Select}{Filter(s)}{limit})")) + limit;
        return cmd;
    }
}
