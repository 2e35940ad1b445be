using NpgsqlTypes;

namespace Alerting.Insights;

/// <summary>
/// Flapping and response times, from the resolutions and acknowledgements in the period (<see cref="InsightsSql.Resolutions"/>,
/// <see cref="InsightsSql.Acknowledgements"/>): each is measured when it happens, from the life it ends or answers.
/// </summary>
internal sealed partial class InsightsQueries
{
    private static string Resolutions => InsightsSql.Period("insights_resolutions", "fingerprint, started, resolved, receiver, alertname", InsightsSql.Resolutions);

    private static string Acknowledgements => InsightsSql.Period("insights_acks", "fingerprint, notified, acked, receiver, alertname", InsightsSql.Acknowledgements);

    /// <summary>
    /// Alerts resolved by their sender more than <paramref name="minimumCycles"/> times in the period (each resolution
    /// ends one fired→resolved cycle), the most first; the median of their lives' firing times (start to resolution)
    /// and cycles (start to the next life's start), and settings that would have quietened them (<see cref="FlappingAdvice"/>).
    /// </summary>
    public async Task<FlappingInsights> FlappingAsync(InsightsWindow window, int minimumCycles, CancellationToken ct)
    {
        var (conn, tx) = await BeginAsync(ct);
        await using var _ = conn;
        await using var cmd = Command($"""
            -- Read twice, not materialised: the candidates need only the fingerprint, and the second read keeps only theirs.
            WITH res AS NOT MATERIALIZED ({Resolutions}),
            cand AS (
                SELECT fingerprint, count(*) AS cycles FROM res
                GROUP BY fingerprint HAVING count(*) > $9
                ORDER BY cycles DESC, fingerprint LIMIT {TopCount}
            ), timed AS (
                SELECT r.fingerprint, extract(epoch FROM r.resolved - r.started)::float8 AS firing,
                       extract(epoch FROM lead(r.started) OVER (PARTITION BY r.fingerprint ORDER BY r.resolved) - r.started)::float8 AS cycle
                FROM res r JOIN cand c USING (fingerprint)
            ), stats AS (
                SELECT fingerprint, percentile_cont(0.5) WITHIN GROUP (ORDER BY firing) AS firing,
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY cycle) AS cycle
                FROM timed GROUP BY fingerprint
            )
            SELECT c.fingerprint, c.cycles, coalesce(s.firing, 0), coalesce(s.cycle, 0), al.labels::text
            FROM cand c LEFT JOIN stats s USING (fingerprint) LEFT JOIN alerts al ON al.fingerprint = c.fingerprint
            ORDER BY c.cycles DESC, c.fingerprint
            """, conn, tx, window);
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = (long)minimumCycles, NpgsqlDbType = NpgsqlDbType.Bigint });
        var result = new List<FlappingAlert>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var labels = LabelsOf(reader, 4);
            var (firing, cycle) = (reader.GetDouble(2), reader.GetDouble(3));
            result.Add(new FlappingAlert(FingerprintOf(reader.GetInt64(0)), labels.GetValueOrDefault("alertname", ""), labels,
                reader.GetInt64(1), firing, cycle, FlappingAdvice.For(firing), FlappingAdvice.GroupInterval(cycle)));
        }
        return new FlappingInsights(minimumCycles, result);
    }

    /// <summary>(by_receiver, key, n, p): the count, median and p90 of the durations v in <paramref name="set"/> per receiver and per alert name.</summary>
    private static string ByReceiverAndAlertName(string set) => $"""
        SELECT GROUPING(receiver) = 0 AS by_receiver, coalesce(receiver, alertname) AS key, count(*) AS n,
               percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY v) AS p
        FROM {set} GROUP BY GROUPING SETS ((receiver), (alertname))
        HAVING GROUPING(receiver) = 1 OR receiver IS NOT NULL
        """;

    /// <summary>
    /// Time to acknowledge (a life's first notification → its first acknowledgement) and to resolve (its start → the
    /// sender's resolution), median and p90, per receiver (of the life's first notification) and per alert name (from
    /// the alert's row when the day was rolled up or the edge read: an alert whose row had expired counts under "").
    /// </summary>
    public async Task<(IReadOnlyList<ResponseTimes> ByReceiver, IReadOnlyList<ResponseTimes> ByAlertName)> ResponseTimesAsync(
        InsightsWindow window, CancellationToken ct)
    {
        var (conn, tx) = await BeginAsync(ct);
        await using var _ = conn;
        await using var cmd = Command($"""
            -- Grouped in the "C" collation (bytes compared, abbreviated keys): ordered-set aggregates sort their input by the
            -- group, and the database's collation made that sort a quarter of the time. The list is ordered in the default one.
            WITH k AS (SELECT receiver COLLATE "C" AS receiver, alertname COLLATE "C" AS alertname, extract(epoch FROM acked - notified)::float8 AS v
                       FROM ({Acknowledgements}) k),
            r AS (SELECT receiver COLLATE "C" AS receiver, alertname COLLATE "C" AS alertname, extract(epoch FROM resolved - started)::float8 AS v
                  FROM ({Resolutions}) r WHERE started IS NOT NULL),
            -- Each measure aggregated on its own, both groupings in one pass (grouping sets), median and p90 from one sort,
            -- then joined: one aggregate over the union of both (each row null in the other measure) took about twice as long.
            ka AS ({ByReceiverAndAlertName("k")}),
            ra AS ({ByReceiverAndAlertName("r")})
            SELECT coalesce(ka.by_receiver, ra.by_receiver), coalesce(ka.key, ra.key), coalesce(ka.n, 0), ka.p, coalesce(ra.n, 0), ra.p
            FROM ka FULL JOIN ra ON ka.by_receiver = ra.by_receiver AND ka.key = ra.key
            ORDER BY 1, coalesce(ka.key, ra.key) COLLATE "default"
            """, conn, tx, window);
        var byReceiver = new List<ResponseTimes>();
        var byAlertName = new List<ResponseTimes>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var (ack, res) = (Percentiles(reader, 3), Percentiles(reader, 5));
            var times = new ResponseTimes(reader.GetString(1), reader.GetInt64(2), ack?[0], ack?[1], reader.GetInt64(4), res?[0], res?[1]);
            (reader.GetBoolean(0) ? byReceiver : byAlertName).Add(times);
        }
        return (byReceiver, byAlertName);
    }
}
