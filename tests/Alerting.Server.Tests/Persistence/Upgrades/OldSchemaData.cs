using Alerting.Core.Labels;
using Npgsql;
using NpgsqlTypes;

namespace Alerting.Persistence.Upgrades;

/// <summary>
/// What an instance of the release before the newest migrations leaves in its database, written with SQL (COPY and
/// generate_series, a few seconds): alerts in groups of 100 routed to <c>hook</c> by <c>grp</c>, notified and logged;
/// some groups acknowledged; the first groups' notifications still in the outbox (half held by an instance that died,
/// half never published); silences, history and attempts.
/// </summary>
internal static class OldSchemaData
{
    public const int GroupSize = 100;

    /// <summary>Groups g0 … g(n-1) whose notification is still in the outbox; their alerts are pending.</summary>
    public const int PendingGroups = 10;

    public static string GroupKey(int group) => $"{{}}:{{grp=\"g{group}\"}}";

    /// <summary>Writes <paramref name="alerts"/> alerts (a multiple of <see cref="GroupSize"/>) and the rest; returns in what time.</summary>
    public static async Task<TimeSpan> WriteAsync(string connectionString, int alerts, int silences, DateTimeOffset now)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await CopyAlertsAsync(conn, alerts, now);
        await using var cmd = new NpgsqlCommand(Sql, conn) { CommandTimeout = 300 };
        cmd.Parameters.Add(new NpgsqlParameter("now", NpgsqlDbType.TimestampTz) { Value = now.UtcDateTime });
        cmd.Parameters.Add(new NpgsqlParameter("groups", alerts / GroupSize));
        cmd.Parameters.Add(new NpgsqlParameter("silences", silences));
        cmd.Parameters.Add(new NpgsqlParameter("pending", PendingGroups));
        await cmd.ExecuteNonQueryAsync();
        return started.Elapsed;
    }

    /// <summary>Real fingerprints (the label hash), as the service computes them: COPY from here rather than generate_series.</summary>
    private static async Task CopyAlertsAsync(NpgsqlConnection conn, int count, DateTimeOffset now)
    {
        await using var copy = await conn.BeginBinaryImportAsync(
            "COPY alerts (fingerprint, labels, annotations, starts_at, ends_at, generator_url, updated_at, timeout, source, state, state_changed_at) FROM STDIN (FORMAT BINARY)");
        for (var i = 0; i < count; i++)
        {
            var group = i / GroupSize;
            var labels = LabelSet.From(("alertname", $"Old{i}"), ("grp", $"g{group}"), ("job", "upgrade"));
            var startsAt = now.AddHours(-1).AddMilliseconds(i);
            await copy.StartRowAsync();
            await copy.WriteAsync(unchecked((long)labels.Fingerprint), NpgsqlDbType.Bigint);
            await copy.WriteAsync(LabelJson.Write(labels), NpgsqlDbType.Jsonb);
            await copy.WriteAsync($$"""{"summary":"old alert {{i}}"}""", NpgsqlDbType.Jsonb);
            await copy.WriteAsync(startsAt.UtcDateTime, NpgsqlDbType.TimestampTz);
            await copy.WriteAsync(now.AddHours(6).UtcDateTime, NpgsqlDbType.TimestampTz);
            await copy.WriteAsync($"http://prometheus/graph?g0.expr=up{i}", NpgsqlDbType.Text);
            await copy.WriteAsync(startsAt.UtcDateTime, NpgsqlDbType.TimestampTz);
            await copy.WriteAsync(false, NpgsqlDbType.Boolean);
            await copy.WriteAsync("api", NpgsqlDbType.Text);
            await copy.WriteAsync(group < PendingGroups ? "pending" : "firing", NpgsqlDbType.Text);
            await copy.WriteAsync(startsAt.UtcDateTime, NpgsqlDbType.TimestampTz);
        }
        await copy.CompleteAsync();
    }

    // Parameters: now, groups, silences, pending (groups). Acknowledged: every 25th notified group.
    private const string Sql = """
        INSERT INTO aggregation_groups (group_key, route_id, receiver, group_labels, next_flush_at, flushed_once, created_at, acknowledged_at, acknowledged_by)
        SELECT '{}:{grp="g' || n || '"}', '{}', 'hook', jsonb_build_object('grp', 'g' || n), @now - interval '1 second', true, @now - interval '1 hour',
               CASE WHEN n >= @pending AND n % 25 = 0 THEN @now - interval '10 minutes' END,
               CASE WHEN n >= @pending AND n % 25 = 0 THEN 'oncall-' || n END
        FROM generate_series(0, @groups - 1) n;

        INSERT INTO group_members (group_key, fingerprint, added_at)
        SELECT '{}:{grp="' || (labels->>'grp') || '"}', fingerprint, starts_at FROM alerts;

        INSERT INTO notification_log (group_key, receiver, integration, firing_alerts, resolved_alerts, sent_at)
        SELECT m.group_key, 'hook', 'webhook[0]', array_agg(m.fingerprint ORDER BY m.fingerprint), '{}', @now - interval '5 minutes'
        FROM group_members m JOIN alerts a USING (fingerprint) WHERE a.state = 'firing' GROUP BY m.group_key;

        INSERT INTO notification_attempts (at, group_key, receiver, integration, outcome, status_code, latency_ms, alerts, reason)
        SELECT sent_at, group_key, receiver, integration, 'success', 200, 12.5, firing_alerts, 'first notification' FROM notification_log;

        INSERT INTO alert_events (fingerprint, at, event, group_key, detail)
        SELECT fingerprint, starts_at, 'received', NULL, NULL FROM alerts
        UNION ALL
        SELECT m.fingerprint, @now - interval '5 minutes', 'notified', m.group_key, 'hook' FROM group_members m JOIN alerts a USING (fingerprint) WHERE a.state = 'firing';

        -- The pending notifications: even groups held by an instance that died (lease run out), odd ones never published.
        INSERT INTO outbox (group_key, receiver, integration, payload, firing_alerts, resolved_alerts, reason, version, created_at, deadline, attempts, lease_owner, lease_until)
        SELECT m.group_key, 'hook', 'webhook[0]',
               jsonb_build_object('Receiver', 'hook', 'GroupKey', m.group_key, 'GroupLabels', jsonb_build_object('grp', min(a.labels->>'grp')),
                                  'FlushedAt', @now - interval '2 seconds',
                                  'Alerts', jsonb_agg(jsonb_build_object('Labels', a.labels, 'Annotations', a.annotations, 'StartsAt', a.starts_at,
                                      'EndsAt', a.ends_at, 'GeneratorUrl', a.generator_url, 'UpdatedAt', a.updated_at, 'Timeout', a.timeout) ORDER BY a.fingerprint)),
               array_agg(m.fingerprint ORDER BY m.fingerprint), '{}', 'first notification', 0, @now - interval '2 seconds', @now + interval '10 minutes',
               CASE WHEN substring(m.group_key from 'g(\d+)')::int % 2 = 0 THEN 1 ELSE 0 END,
               CASE WHEN substring(m.group_key from 'g(\d+)')::int % 2 = 0 THEN 'old-release-instance' END,
               CASE WHEN substring(m.group_key from 'g(\d+)')::int % 2 = 0 THEN @now - interval '30 seconds' END
        FROM group_members m JOIN alerts a USING (fingerprint) WHERE a.state = 'pending' GROUP BY m.group_key;

        INSERT INTO silences (id, matchers, starts_at, ends_at, updated_at, created_by, comment)
        SELECT gen_random_uuid(), jsonb_build_array(jsonb_build_object('name', 'never', 'value', 'n' || n, 'isRegex', false, 'isEqual', true)),
               @now - interval '1 hour', CASE WHEN n % 2 = 0 THEN @now + interval '1 day' ELSE @now - interval '10 minutes' END,
               @now - interval '1 hour', 'upgrade-test', 'silence ' || n
        FROM generate_series(1, @silences) n;

        INSERT INTO used_links (nonce, used_at, used_by, action)
        SELECT 'nonce-' || n, @now - interval '10 minutes', 'oncall-' || n, 'ack' FROM generate_series(1, 100) n;

        ANALYZE;
        """;
}
