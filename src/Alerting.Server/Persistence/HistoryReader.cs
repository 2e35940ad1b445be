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
/// Events by group key have no index: it would cost every history row another entry on the ingest path.
/// </summary>
internal sealed class HistoryReader(NpgsqlDataSource db)
{
    public async Task<List<StoredEvent>> EventsAsync(HistoryQuery query, CancellationToken ct)
    {
        if (query.Receiver is not null || query.Channel is not null || query.FailuresOnly || query.WithAlerts)
        {
            throw new ArgumentException("events have no receiver, channel, outcome or alerts to filter or read", nameof(query));
        }
        await using var cmd = Command("SELECT at, fingerprint, event, group_key, detail FROM alert_events", p => $"fingerprint = {p}", query);
        var result = new List<StoredEvent>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (result.Count < query.Limit && await reader.ReadAsync(ct))
        {
            var stored = new StoredEvent(reader.GetFieldValue<DateTimeOffset>(0), unchecked((ulong)reader.GetInt64(1)), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4));
            if (stored.GroupKey is { } groupKey && LifecycleEvents.Contains(stored.Event))
            {
                // Ingestion stores an alert's arrival and its first group as one row: it stands for both events.
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
        await using var cmd = Command($"""
            SELECT at, group_key, receiver, integration, outcome, status_code, error, latency_ms, reason, cardinality(alerts), {alerts}
            FROM notification_attempts
            """, p => $"alerts @> ARRAY[{p}]", query);
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

    /// <summary>The select with the query's filters, order and limit; <paramref name="byFingerprint"/> says how a table names an alert.</summary>
    private NpgsqlCommand Command(string select, Func<string, string> byFingerprint, HistoryQuery query)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Limit);
        var cmd = db.CreateCommand();
        var where = new List<string>();
        string Parameter(object value, NpgsqlDbType type)
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = value, NpgsqlDbType = type });
            return $"${cmd.Parameters.Count}";
        }
        if (query.Fingerprint is { } fp)
        {
            where.Add(byFingerprint(Parameter(unchecked((long)fp), NpgsqlDbType.Bigint)));
        }
        if (query.GroupKey is { } groupKey)
        {
            where.Add($"group_key = {Parameter(groupKey, NpgsqlDbType.Text)}");
        }
        if (query.Receiver is { } receiver)
        {
            where.Add($"receiver = {Parameter(receiver, NpgsqlDbType.Text)}");
        }
        if (query.Channel is { } channel)
        {
            where.Add($"starts_with(integration, {Parameter(channel + "[", NpgsqlDbType.Text)})");
        }
        if (query.FailuresOnly)
        {
            where.Add("outcome <> 'success'");
        }
        if (query.Since is { } since)
        {
            where.Add($"at >= {Parameter(since.UtcDateTime, NpgsqlDbType.TimestampTz)}");
        }
        var filter = where.Count == 0 ? "" : $" WHERE {string.Join(" AND ", where)}";
        var order = query.NewestFirst ? "at DESC, id DESC" : "at, id";
        cmd.CommandText = $"{select}{filter} ORDER BY {order} LIMIT {query.Limit}";
        return cmd;
    }
}
