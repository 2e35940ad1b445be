namespace Alerting.Insights;

/// <summary>Noise: what was sent most, counted in successful send attempts (one per integration reached).</summary>
internal sealed partial class InsightsQueries
{
    /// <summary>Alerts by the successful sends that carried them; an alert whose row expired shows without labels.</summary>
    public async Task<IReadOnlyList<NoisyAlert>> NoisiestAlertsAsync(InsightsWindow window, CancellationToken ct)
    {
        var (conn, tx) = await BeginAsync(ct);
        await using var _ = conn;
        await using var cmd = Command($"""
            WITH per AS ({InsightsSql.Period("insights_sends", "fingerprint, receiver, sends", InsightsSql.Sends)}),
            top AS (
                SELECT fingerprint, sum(sends)::bigint AS n, array_agg(DISTINCT receiver ORDER BY receiver) AS receivers
                FROM per GROUP BY fingerprint ORDER BY n DESC, fingerprint LIMIT {TopCount}
            )
            SELECT t.fingerprint, t.n, t.receivers, al.labels::text
            FROM top t LEFT JOIN alerts al ON al.fingerprint = t.fingerprint
            ORDER BY t.n DESC, t.fingerprint
            """, conn, tx, window);
        var result = new List<NoisyAlert>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var labels = LabelsOf(reader, 3);
            result.Add(new NoisyAlert(FingerprintOf(reader.GetInt64(0)), labels.GetValueOrDefault("alertname", ""), labels,
                reader.GetInt64(1), reader.GetFieldValue<string[]>(2)));
        }
        return result;
    }

    /// <summary>Groups (key and receiver) by their successful sends; labels from the group while it still exists.</summary>
    public async Task<IReadOnlyList<NoisyGroup>> NoisiestGroupsAsync(InsightsWindow window, CancellationToken ct)
    {
        var (conn, tx) = await BeginAsync(ct);
        await using var _ = conn;
        await using var cmd = Command($"""
            WITH per AS ({InsightsSql.Period("insights_groups", "group_key, receiver, sends", InsightsSql.Groups)}),
            top AS (
                SELECT group_key, receiver, sum(sends)::bigint AS n FROM per
                GROUP BY group_key, receiver ORDER BY n DESC, group_key, receiver LIMIT {TopCount}
            )
            SELECT t.group_key, t.receiver, t.n,
                   (SELECT g.group_labels::text FROM aggregation_groups g WHERE g.group_key = t.group_key AND g.receiver = t.receiver LIMIT 1)
            FROM top t ORDER BY t.n DESC, t.group_key, t.receiver
            """, conn, tx, window);
        var result = new List<NoisyGroup>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result.Add(new NoisyGroup(reader.GetString(0), reader.GetString(1), LabelsOf(reader, 3), reader.GetInt64(2)));
        }
        return result;
    }

    /// <summary>Attempts per channel kind (the integration's name without its index) and UTC day: see <see cref="InsightsSql.Channels"/>.</summary>
    public async Task<IReadOnlyList<ChannelDay>> ChannelsAsync(InsightsWindow window, CancellationToken ct)
    {
        var (conn, tx) = await BeginAsync(ct);
        await using var _ = conn;
        // A day cut by the period's start or end comes from the history and its rollup not at all: summed per day anyway.
        await using var cmd = Command($"""
            SELECT day, channel, sum(sent)::bigint, sum(failed)::bigint, sum(rate_limited)::bigint
            FROM ({InsightsSql.Period("insights_channels", "day, channel, sent, failed, rate_limited", InsightsSql.Channels)}) x
            GROUP BY day, channel ORDER BY day, channel
            """, conn, tx, window);
        var result = new List<ChannelDay>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result.Add(new ChannelDay(reader.GetFieldValue<DateOnly>(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4)));
        }
        return result;
    }
}
