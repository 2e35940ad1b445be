namespace Alerting.Insights;

/// <summary>
/// The facts each insight is built from, read from the history for a time range [a, b) given as SQL expressions. The
/// same statements fill the rollups (<see cref="InsightsRollups"/>, one closed UTC day or hour each) and read the edges
/// of a period that no closed hour covers.
/// </summary>
internal static class InsightsSql
{
    /// <summary>(fingerprint, receiver, sends): successful send attempts carrying the alert.</summary>
    public static string Sends(string a, string b) => $"""
        SELECT f AS fingerprint, s.receiver, count(*) AS sends
        FROM notification_attempts s CROSS JOIN LATERAL unnest(s.alerts) AS f
        WHERE s.at >= {a} AND s.at < {b} AND s.outcome = 'success'
        GROUP BY f, s.receiver
        """;

    /// <summary>(group_key, receiver, sends): successful send attempts of the group.</summary>
    public static string Groups(string a, string b) => $"""
        SELECT group_key, receiver, count(*) AS sends FROM notification_attempts
        WHERE at >= {a} AND at < {b} AND outcome = 'success'
        GROUP BY group_key, receiver
        """;

    /// <summary>
    /// (day, channel, sent, failed, rate_limited) per UTC day and channel kind. Rate limited: deferred for a retry by a
    /// rate limit, ours ("rate limit: …") or the destination's (429, or its error naming one); failed: any other
    /// attempt that did not succeed.
    /// </summary>
    public static string Channels(string a, string b) => $"""
        SELECT day, channel,
               count(*) FILTER (WHERE outcome = 'success') AS sent,
               count(*) FILTER (WHERE outcome <> 'success' AND NOT limited) AS failed,
               count(*) FILTER (WHERE limited) AS rate_limited
        FROM (SELECT (at AT TIME ZONE 'UTC')::date AS day, split_part(integration, '[', 1) AS channel, outcome,
                     outcome = 'retry' AND (status_code = 429 OR coalesce(error ILIKE '%rate limit%', false)) AS limited
              FROM notification_attempts WHERE at >= {a} AND at < {b}) x
        GROUP BY day, channel
        """;

    /// <summary>The receiver named by a <c>firing</c> event's detail, "notified receiver/integration".</summary>
    private const string Receiver = "substring(n.detail from '^notified (.*)/[^/]*$')";

    /// <summary>The alert's name, from its row (joined as <c>al</c>): kept in the rollups after the row expires; "" once gone.</summary>
    private const string AlertName = "coalesce(al.labels ->> 'alertname', '')";

    /// <summary>
    /// The start of the life holding event <paramref name="e"/>: its last received or refired history row, or the arrival a
    /// new alert keeps on its own row (alerts.first_seen_at, joined as <c>al</c>), whichever is later; null when neither is left.
    /// </summary>
    private static string LifeStart(string e) => $"""
        SELECT max(x.at) AS at FROM (
            (SELECT h.at FROM alert_events h
             WHERE h.fingerprint = {e}.fingerprint AND h.at <= {e}.at AND h.event IN ('received', 'refired')
             ORDER BY h.at DESC LIMIT 1)
            UNION ALL
            SELECT al.first_seen_at WHERE al.first_event = 'received' AND al.first_seen_at <= {e}.at) x
        """;

    /// <summary>
    /// (fingerprint, started, resolved, receiver, alertname): each resolution by the sender, with the start of the life it ends
    /// (its last received or refired event; null once that has expired) and the receiver of the life's first notification.
    /// Found backwards from the resolution through the (fingerprint, at) index: a few rows per resolution.
    /// </summary>
    public static string Resolutions(string a, string b) => $"""
        SELECT r.fingerprint, s.at AS started, r.at AS resolved, {Receiver} AS receiver, {AlertName} AS alertname
        FROM alert_events r
        LEFT JOIN alerts al ON al.fingerprint = r.fingerprint
        LEFT JOIN LATERAL ({LifeStart("r")}) s ON true
        LEFT JOIN LATERAL (
            SELECT e.detail FROM alert_events e
            WHERE e.fingerprint = r.fingerprint AND e.at >= s.at AND e.at <= r.at AND e.event = 'firing'
            ORDER BY e.at LIMIT 1) n ON true
        WHERE r.at >= {a} AND r.at < {b} AND r.event = 'resolved'
        """;

    /// <summary>
    /// (fingerprint, notified, acked, receiver, alertname): each life's first acknowledgement, with the life's first notification
    /// (its <c>firing</c> event) and that notification's receiver.
    /// </summary>
    public static string Acknowledgements(string a, string b) => $"""
        SELECT k.fingerprint, n.at AS notified, k.at AS acked, {Receiver} AS receiver, {AlertName} AS alertname
        FROM alert_events k
        LEFT JOIN alerts al ON al.fingerprint = k.fingerprint
        CROSS JOIN LATERAL ({LifeStart("k")}) s
        CROSS JOIN LATERAL (
            SELECT e.at, e.detail FROM alert_events e
            WHERE e.fingerprint = k.fingerprint AND e.at >= s.at AND e.at <= k.at AND e.event = 'firing'
            ORDER BY e.at LIMIT 1) n
        -- The life's first acknowledgement, as a lateral with a limit: a NOT EXISTS was planned as an anti-join over
        -- every acknowledgement in the table.
        CROSS JOIN LATERAL (
            SELECT p.id FROM alert_events p
            WHERE p.fingerprint = k.fingerprint AND p.at >= s.at AND p.at <= k.at AND p.event = 'acknowledged'
            ORDER BY p.at, p.id LIMIT 1) f
        WHERE k.at >= {a} AND k.at < {b} AND k.event = 'acknowledged' AND f.id = k.id
        """;

    /// <summary>
    /// A period's rows of one fact: the rolled-up whole days ($5 ≤ day &lt; $6), the rolled-up hours [$3, $7) and
    /// [$8, $4), and the history of the edges [$1, $3) and [$4, $2) (see <see cref="InsightsWindow"/>).
    /// </summary>
    public static string Period(string table, string columns, Func<string, string, string> raw) => $"""
        SELECT {columns} FROM {table} WHERE day >= $5 AND day < $6
        UNION ALL SELECT {columns} FROM {table}_hourly WHERE hour >= $3 AND hour < $7
        UNION ALL SELECT {columns} FROM {table}_hourly WHERE hour >= $8 AND hour < $4
        UNION ALL SELECT {columns} FROM ({raw("$1", "$3")}) head
        UNION ALL SELECT {columns} FROM ({raw("$4", "$2")}) tail
        """;
}
