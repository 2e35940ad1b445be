using System.Globalization;

namespace Alerting.Insights;

/// <summary>
/// A hand-built history around <see cref="Now"/> whose insights are worked out by hand (InsightsApiTests asserts them).
/// Alerts a (10) and b (11) are DiskFull, c (12) CpuHigh; d (13) has no row any more. Times are hours before Now.
/// <list type="bullet">
/// <item>Sends in the last 24h: a+b to ops/slack at -2h, a to ops/slack at -3h, a to pager/pagerduty at -4h, c to
/// ops/slack at -5h (and a rate-limit deferral), c to ops/webhook failed at -6h (twice: 400, and 503 retried);
/// at -26h c+d to ops/webhook; at -10 days d to pager/pagerduty.</item>
/// <item>a's lives: -25h, -20h, -17h, -12h, -8h, firing 90, 30, 40, 20, 50 min (the first resolved in the last day,
/// started before it); first notified a minute in (ops but the last: pager), acknowledged after -, 10, 20, -, 30 min.</item>
/// <item>b's lives (its arrival kept on its alerts row): -10h, -9h, -7h, firing 10, 12, 14 min; notified 2 min in (ops), the last acknowledged 3 min later.</item>
/// <item>c: -30h notified (ops) and resolved after 30 min; -5h notified (ops), acknowledged an hour later, still firing.</item>
/// <item>d: -3h notified (pager), resolved after 5 min.</item>
/// <item>Silences: s1 -2h..+1h and s3 -48h..-20h muted nothing; s2 -5h..-4h and s4 -3h..+5h did; s5 -10d..-9d did not.</item>
/// </list>
/// </summary>
internal static class InsightsHistory
{
    public static readonly DateTimeOffset Now = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    public const string Disk = "{}:{alertname=\"DiskFull\"}";
    public const string Cpu = "{}:{alertname=\"CpuHigh\"}";

    public static readonly Guid S1 = Guid.Parse("00000000-0000-0000-0000-000000000001");

    private static string At(double hours, double minutes = 0) =>
        "'" + Now.AddHours(-hours).AddMinutes(minutes).ToString("O", CultureInfo.InvariantCulture) + "'::timestamptz";

    /// <summary>One life's rows: fired at -hours, notified, maybe acknowledged, maybe resolved (minutes after firing).</summary>
    private static IEnumerable<string> Life(int fp, string fired, double hours, double notified, string receiver, string integration,
        double? acknowledged, double? resolved)
    {
        var group = fp == 12 ? Cpu : Disk;
        yield return $"({fp}, {At(hours)}, '{fired}', '{group}', NULL)";
        yield return $"({fp}, {At(hours, notified)}, 'firing', '{group}', 'notified {receiver}/{integration}')";
        if (acknowledged is { } ack)
        {
            yield return $"({fp}, {At(hours, ack)}, 'acknowledged', '{group}', 'by someone')";
        }
        if (resolved is { } res)
        {
            yield return $"({fp}, {At(hours, res)}, 'resolved', NULL, 'resolved by its sender')";
            // Rows the insights must pass over.
            yield return $"({fp}, {At(hours, res + 1)}, 'ungrouped', '{group}', 'resolved and notified')";
        }
    }

    private static IEnumerable<string> Events() =>
    [
        .. Life(10, "received", 25, 1, "ops", "slack[0]", null, 90),
        .. Life(10, "refired", 20, 1, "ops", "slack[0]", 11, 30),
        .. Life(10, "refired", 17, 1, "ops", "slack[0]", 21, 40),
        .. Life(10, "refired", 12, 1, "ops", "slack[0]", null, 20),
        .. Life(10, "refired", 8, 1, "pager", "pagerduty[0]", 31, 50),
        // b's arrival is on its alerts row (first_seen_at), as ingestion stores a new alert's, not a history row.
        .. Life(11, "received", 10, 2, "ops", "slack[0]", null, 10).Skip(1),
        .. Life(11, "refired", 9, 2, "ops", "slack[0]", null, 12),
        .. Life(11, "refired", 7, 2, "ops", "slack[0]", 5, 14),
        .. Life(12, "received", 30, 1, "ops", "webhook[1]", null, 30),
        .. Life(12, "refired", 5, 1, "ops", "webhook[1]", 61, null),
        .. Life(13, "received", 3, 1, "pager", "pagerduty[0]", null, 5),
        $"(11, {At(9, 30)}, 'suppressed', '{Disk}', 'silenced by {S1}')",
    ];

    private static string Attempt(double hours, string group, string receiver, string integration, string outcome, string status, string error, string alerts) =>
        $"({At(hours)}, '{group}', '{receiver}', '{integration}', '{outcome}', {status}, {error}, 12.5, '{{{alerts}}}', 'new alerts')";

    public static string Sql => $$"""
        INSERT INTO alerts (fingerprint, labels, annotations, starts_at, ends_at, generator_url, updated_at, timeout, source, state, state_changed_at, first_seen_at, first_event, first_group_key)
        VALUES (10, '{"alertname":"DiskFull","instance":"a"}', '{}', {{At(8)}}, {{At(7)}}, '', {{At(7)}}, false, 'api', 'firing', {{At(8)}}, NULL, NULL, NULL),
               (11, '{"alertname":"DiskFull","instance":"b"}', '{}', {{At(7)}}, {{At(6)}}, '', {{At(6)}}, false, 'api', 'firing', {{At(7)}}, {{At(10)}}, 'received', '{{Disk}}'),
               (12, '{"alertname":"CpuHigh","instance":"c"}', '{}', {{At(5)}}, {{At(-1)}}, '', {{At(1)}}, false, 'api', 'firing', {{At(5)}}, NULL, NULL, NULL);
        INSERT INTO aggregation_groups (group_key, route_id, receiver, group_labels, next_flush_at, flushed_once, created_at)
        VALUES ('{{Disk}}', '{}', 'ops', '{"alertname":"DiskFull"}', '2100-01-01', true, {{At(30)}});
        INSERT INTO alert_events (fingerprint, at, event, group_key, detail) VALUES
        {{string.Join(",\n", Events())}};
        INSERT INTO notification_attempts (at, group_key, receiver, integration, outcome, status_code, error, latency_ms, alerts, reason) VALUES
        {{Attempt(2, Disk, "ops", "slack[0]", "success", "200", "NULL", "10,11")}},
        {{Attempt(3, Disk, "ops", "slack[0]", "success", "200", "NULL", "10")}},
        {{Attempt(4, Disk, "pager", "pagerduty[0]", "success", "202", "NULL", "10")}},
        {{Attempt(5, Cpu, "ops", "slack[0]", "success", "200", "NULL", "12")}},
        {{Attempt(5, Cpu, "ops", "slack[0]", "retry", "NULL", "'rate limit: one message a second per Slack webhook'", "12")}},
        {{Attempt(6, Cpu, "ops", "webhook[1]", "failed", "400", "'unexpected status code 400'", "12")}},
        {{Attempt(6, Cpu, "ops", "webhook[1]", "retry", "503", "'unexpected status code 503'", "12")}},
        {{Attempt(26, Cpu, "ops", "webhook[0]", "success", "200", "NULL", "12,13")}},
        {{Attempt(240, Disk, "pager", "pagerduty[0]", "success", "200", "NULL", "13")}};
        INSERT INTO silences (id, matchers, starts_at, ends_at, updated_at, created_by, comment, first_muted_at) VALUES
        ('{{S1}}', '[{"name":"alertname","value":"DiskFull","isRegex":false,"isEqual":true}]', {{At(2)}}, {{At(-1)}}, {{At(2)}}, 'alice', 's1', NULL),
        ('00000000-0000-0000-0000-000000000002', '[{"name":"alertname","value":"DiskFull","isRegex":false,"isEqual":true}]', {{At(5)}}, {{At(4)}}, {{At(5)}}, 'bob', 's2', {{At(4, 30)}}),
        ('00000000-0000-0000-0000-000000000003', '[{"name":"alertname","value":"Nothing","isRegex":false,"isEqual":true}]', {{At(48)}}, {{At(20)}}, {{At(48)}}, 'bob', 's3', NULL),
        ('00000000-0000-0000-0000-000000000004', '[{"name":"alertname","value":"CpuHigh","isRegex":false,"isEqual":true}]', {{At(3)}}, {{At(-5)}}, {{At(3)}}, 'carol', 's4', {{At(1)}}),
        ('00000000-0000-0000-0000-000000000005', '[{"name":"alertname","value":"Gone","isRegex":false,"isEqual":true}]', {{At(240)}}, {{At(216)}}, {{At(240)}}, 'carol', 's5', NULL);
        SELECT 1;
        """;
}
