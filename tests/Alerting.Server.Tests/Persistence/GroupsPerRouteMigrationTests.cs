using Alerting.Core.Labels;
using Alerting.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace Alerting.Persistence;

/// <summary>
/// Groups stored before groups were kept per route: the key was the identity, so of sibling routes with identical
/// matchers only the first had a group. After the upgrade that group goes on, and the second route gets its own.
/// </summary>
public sealed class GroupsPerRouteMigrationTests
{
    private const string Before = "20261126030433_OperatorUi";
    private const string Key = "{}/{team=\"x\"}:{}";
    private const string FirstRoute = "{}/{team=\"x\"}/0";

    [Fact]
    public async Task Groups_stored_before_the_upgrade_keep_working_and_the_sibling_route_gets_its_own()
    {
        using var a = new WebhookSink();
        using var b = new WebhookSink();
        var connectionString = await TestDatabase.CreateAsync();
        await using (var db = new AlertingDbContext(new DbContextOptionsBuilder<AlertingDbContext>().UseNpgsql(connectionString).Options))
        {
            await db.GetService<IMigrator>().MigrateAsync(Before);
        }

        // What the old version left: a's group (the first route's) with the alert, told to a a minute ago; no group for b.
        var labels = LabelSet.From(("alertname", "Dup"), ("team", "x"));
        var fp = unchecked((long)labels.Fingerprint);
        var now = DateTimeOffset.UtcNow;
        await using (var conn = new NpgsqlConnection(connectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("""
                WITH a AS (
                    INSERT INTO alerts (fingerprint, labels, annotations, starts_at, ends_at, generator_url, updated_at, timeout, source, state)
                    VALUES ($1, $2::jsonb, '{}', $3, $4, '', $3, true, 'api', 'firing')
                ), g AS (
                    INSERT INTO aggregation_groups (group_key, route_id, receiver, group_labels, next_flush_at, flushed_once, created_at)
                    VALUES ($5, $6, 'a', '{}', $3, true, $3)
                ), m AS (
                    INSERT INTO group_members (group_key, fingerprint, added_at) VALUES ($5, $1, $3)
                )
                INSERT INTO notification_log (group_key, receiver, integration, firing_alerts, resolved_alerts, sent_at)
                VALUES ($5, 'a', 'webhook[0]', ARRAY[$1], '{}', $3)
                """, conn);
            cmd.Parameters.Add(new NpgsqlParameter { Value = fp });
            cmd.Parameters.Add(new NpgsqlParameter { Value = LabelJson.Write(labels) });
            cmd.Parameters.Add(new NpgsqlParameter { Value = now.AddMinutes(-1) });
            cmd.Parameters.Add(new NpgsqlParameter { Value = now.AddHours(1) });
            cmd.Parameters.Add(new NpgsqlParameter { Value = Key });
            cmd.Parameters.Add(new NpgsqlParameter { Value = FirstRoute });
            await cmd.ExecuteNonQueryAsync();
        }

        var config = $$"""
            route:
              receiver: default
              group_wait: 0s
              group_interval: 1s
              routes:
                - receiver: a
                  matchers: [team="x"]
                  continue: true
                - receiver: b
                  matchers: [team="x"]
            receivers:
              - name: default
              - name: a
                webhook_configs:
                  - url: {{a.Url()}}
              - name: b
                webhook_configs:
                  - url: {{b.Url()}}
            """;
        await using var host = await AlertingTestHost.StartAsync(config, connectionString);

        // The stored member took its group's route; b, never told, is told now; a, told already, is not told again.
        Assert.Equal(FirstRoute, await host.ScalarAsync<string>($"SELECT route_id FROM group_members WHERE group_key = '{Key}' AND route_id LIKE '%/0'"));
        var toB = Assert.Single(await b.WaitForAsync(1));
        Assert.Equal(Key, (string)toB["groupKey"]!);
        Assert.Equal(2L, await host.CountAsync("aggregation_groups"));
        await Task.Delay(2500);
        Assert.Empty(a.Delivered());
        Assert.Single(b.Delivered());

        // The old group still flushes: the resolution reaches both.
        await host.PostJsonAsync("api/v2/alerts", $$"""[{"labels":{"alertname":"Dup","team":"x"},"endsAt":"{{DateTimeOffset.UtcNow.AddSeconds(-1):O}}"}]""");
        Assert.Equal("resolved", (string)Assert.Single(await a.WaitForAsync(1))["status"]!);
        Assert.Equal("resolved", (string)(await b.WaitForAsync(2))[1]["status"]!);
        await Eventually.EqualAsync(0L, () => host.CountAsync("aggregation_groups"));
    }
}
