using System.Globalization;
using Alerting.Configuration;
using Alerting.Infrastructure;
using Alerting.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Alerting.Outbox;

/// <summary>
/// Sends that finish together are recorded together (issue 20, flushes in sets): each as it was alone — the log and
/// the alerts' state after a success, the attempt, the row gone — and a row a later flush replaced stays to be sent.
/// </summary>
public sealed class OutcomeWriterTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 15, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Many_finished_sends_are_recorded_each_as_alone_and_a_replaced_row_stays_to_be_sent()
    {
        const int Count = 60;
        var connectionString = await TestDatabase.CreateAsync();
        await using (var ctx = new AlertingDbContext(new DbContextOptionsBuilder<AlertingDbContext>().UseNpgsql(connectionString).Options))
        {
            await ctx.Database.MigrateAsync();
        }
        await using var db = NpgsqlDataSource.Create(connectionString);
        // Alert i is pending; send i tells alerts i and (i + 1) % Count as firing, so every alert is in two sends.
        await Sql.ExecuteAsync(connectionString, $$"""
            INSERT INTO alerts (fingerprint, labels, annotations, starts_at, ends_at, generator_url, updated_at, timeout, source, state)
            SELECT i, jsonb_build_object('alertname', 'A' || i), '{}', now(), now() + interval '1 hour', '', now(), false, 'api', 'pending'
            FROM generate_series(0, {{Count - 1}}) i;
            INSERT INTO outbox (group_key, receiver, integration, payload, firing_alerts, resolved_alerts, reason, version, created_at, deadline, attempts, lease_owner, lease_until)
            SELECT 'g' || i, 'r', 'webhook[0]', '{}', ARRAY[i, (i + 1) % {{Count}}]::bigint[], '{}', 'new alerts', 0, now(), now() + interval '5 minutes', 1, 'me', now() + interval '20 seconds'
            FROM generate_series(0, {{Count - 1}}) i;
            """);
        var rows = new List<OutboxEntry>();
        await using (var cmd = db.CreateCommand("SELECT id, group_key, firing_alerts FROM outbox ORDER BY id"))
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                rows.Add(new OutboxEntry(reader.GetInt64(0), reader.GetString(1), "r", "webhook[0]", "{}", reader.GetFieldValue<long[]>(2), [],
                    "new alerts", 0, Now.AddMinutes(5), 1, null));
            }
        }
        // A later flush replaced the first row's snapshot while it was on its way.
        await Sql.ExecuteAsync(connectionString, $"UPDATE outbox SET version = 1 WHERE id = {rows[0].Id}");

        var writer = new OutcomeWriter(db, new InstanceInfo("me", "127.0.0.1:9093", Now), new FakeTimeProvider(Now));
        // Every third send failed for good; all finish at once.
        var replaced = await Task.WhenAll(rows.Select((row, i) => Task.Run(() => writer.FinishAsync(new FinishedSend(row, i % 3 != 0,
            new AttemptRecord(Now, i % 3 != 0 ? "success" : "failed", i % 3 != 0 ? 200 : 400, i % 3 != 0 ? null : "400 Bad Request", 1.5, row.Firing))))));

        Assert.True(replaced[0]);
        Assert.All(replaced.Skip(1), Assert.False);
        // The replaced row is left, handed back for whoever sends its new snapshot; the others are gone.
        Assert.Equal($"{rows[0].Id}||1", await Sql.QueryAsync(connectionString, "SELECT string_agg(id || '|' || coalesce(lease_owner, '') || '|' || version, ',') FROM outbox"));
        var succeeded = Enumerable.Range(0, Count).Where(i => i % 3 != 0).ToList();
        Assert.Equal(string.Join(",", succeeded.Select(i => "g" + i.ToString(CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal)),
            await Sql.QueryAsync(connectionString, "SELECT string_agg(group_key || '', ',' ORDER BY group_key COLLATE \"C\") FROM notification_log"));
        Assert.Equal("{1,2}", await Sql.QueryAsync(connectionString, "SELECT firing_alerts::text FROM notification_log WHERE group_key = 'g1'"));
        Assert.Equal(Count.ToString(CultureInfo.InvariantCulture), await Sql.QueryAsync(connectionString, "SELECT count(*) FROM notification_attempts"));
        Assert.Equal("400 Bad Request", await Sql.QueryAsync(connectionString, "SELECT error FROM notification_attempts WHERE group_key = 'g3'"));
        Assert.Equal("{3,4}", await Sql.QueryAsync(connectionString, "SELECT alerts::text FROM notification_attempts WHERE group_key = 'g3'"));
        // Told as firing by a successful send: firing, with one history event each, naming one of the sends that told it.
        var told = succeeded.SelectMany(i => new[] { i, (i + 1) % Count }).Distinct().Order().ToList();
        Assert.Equal(string.Join(",", told), await Sql.QueryAsync(connectionString, "SELECT string_agg(fingerprint::text, ',' ORDER BY fingerprint) FROM alerts WHERE state = 'firing'"));
        Assert.Equal(told.Count.ToString(CultureInfo.InvariantCulture), await Sql.QueryAsync(connectionString, "SELECT count(*) FROM alert_events WHERE event = 'firing'"));
        Assert.Contains(await Sql.QueryAsync(connectionString, "SELECT group_key FROM alert_events WHERE event = 'firing' AND fingerprint = 2"), new[] { "g1", "g2" });
    }
}
