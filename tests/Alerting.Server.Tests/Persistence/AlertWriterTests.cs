using System.Net;
using Alerting.Infrastructure;
using Npgsql;

namespace Alerting.Persistence;

public sealed class AlertWriterTests
{
    /// <summary>
    /// The writer's connections keep one generic plan per statement, made on their first use, often while the tables
    /// are nearly empty. A plan that scans the whole table then stays for the connection's life: in a profile run the
    /// ingestion statement hash-joined a sequential scan of every stored alert, and PostgreSQL's CPU per alert doubled.
    /// </summary>
    [Fact]
    public async Task A_plan_made_while_the_tables_were_small_does_not_scan_them_once_they_are_large()
    {
        await using var host = await AlertingTestHost.StartAsync("""
            route:
              receiver: hook
              group_by: [alertname]
              group_wait: 0s
            receivers:
              - name: hook
            """);
        // The writer plans its statements now, on tables holding next to nothing.
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await host.PostJsonAsync("api/v2/alerts", $$$"""[{"labels":{"alertname":"Small{{{i}}}"}}]""")).StatusCode);
        }
        await host.ScalarAsync<int>("""
            WITH a AS (
                INSERT INTO alerts (fingerprint, labels, annotations, starts_at, ends_at, generator_url, updated_at, timeout, source, state, state_changed_at)
                SELECT -i, jsonb_build_object('alertname', 'Bulk' || i), '{}', now(), now() + interval '1 hour', '', now(), false, 'test', 'firing', now()
                FROM generate_series(1, 30000) i RETURNING 1),
            g AS (
                INSERT INTO aggregation_groups (group_key, route_id, receiver, group_labels, next_flush_at, flushed_once, created_at)
                SELECT 'bulk' || i, '{}', 'hook', '{}', now() + interval '1 hour', true, now() FROM generate_series(1, 30000) i RETURNING 1)
            SELECT (SELECT count(*) FROM a)::int + (SELECT count(*) FROM g)::int
            """);
        await host.ScalarAsync<object>("ANALYZE alerts; ANALYZE aggregation_groups; SELECT 1");
        // Backends publish their table statistics about once a second.
        await Task.Delay(TimeSpan.FromSeconds(2));
        var before = await SequentialScansAsync(host);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await host.PostJsonAsync("api/v2/alerts", $$$"""[{"labels":{"alertname":"Large{{{i}}}"}}]""")).StatusCode);
        }
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(before, await SequentialScansAsync(host));
        Assert.Equal(3L, await host.ScalarAsync<long>("SELECT count(*) FROM alerts WHERE labels->>'alertname' LIKE 'Large%'"));
    }

    private static Task<string> SequentialScansAsync(AlertingTestHost host) => host.ScalarAsync<string>(
        "SELECT string_agg(relname || '=' || seq_scan, ' ' ORDER BY relname) FROM pg_stat_user_tables WHERE relname IN ('alerts', 'aggregation_groups', 'group_members')");

    [Fact]
    public async Task Data_the_database_refuses_fails_only_its_own_request_not_the_batch_it_shared()
    {
        await using var host = await AlertingTestHost.StartAsync();
        // Stands in for data PostgreSQL cannot store that validation did not catch: a data exception for one alert.
        await using (var conn = new NpgsqlConnection(host.ConnectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("""
                CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW.labels->>'alertname' = 'Poison' THEN RAISE EXCEPTION 'poisoned value' USING ERRCODE = '22023'; END IF;
                    RETURN NEW;
                END $$;
                CREATE TRIGGER refuse_poison BEFORE INSERT OR UPDATE ON alerts FOR EACH ROW EXECUTE FUNCTION refuse_poison();
                """, conn);
            await cmd.ExecuteNonQueryAsync();
        }

        // Requests at once (below the 16 one address may have in flight), so they share write batches with the bad one.
        var good = new List<Task<HttpResponseMessage>>();
        var bad = new List<Task<HttpResponseMessage>>();
        for (var round = 0; round < 10; round++)
        {
            for (var i = 0; i < 10; i++)
            {
                good.Add(host.PostJsonAsync("api/v2/alerts", $$$"""[{"labels":{"alertname":"Good","n":"{{{round}}}-{{{i}}}"}}]"""));
                if (i == 5)
                {
                    bad.Add(host.PostJsonAsync("api/v2/alerts", $$$"""[{"labels":{"alertname":"Poison","n":"{{{round}}}"}}]"""));
                }
            }
            await Task.WhenAll(good.Concat(bad));
        }

        foreach (var response in await Task.WhenAll(good))
        {
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        foreach (var response in await Task.WhenAll(bad))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("the database refused these alerts, nothing was stored: poisoned value", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Equal(100, await host.CountAsync("alerts"));
    }
}
