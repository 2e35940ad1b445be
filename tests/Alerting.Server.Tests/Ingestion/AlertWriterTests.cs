using System.Net;
using Alerting.Infrastructure;
using Npgsql;

namespace Alerting.Ingestion;

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

    /// <summary>Labels of alerts in the given writer's share, for tests that need a request spread over both.</summary>
    private static IEnumerable<string> NamesInShard(string prefix, int shard) => Enumerable.Range(0, 1000).Select(i => $"{prefix}{i}")
        .Where(n => AlertWriter.ShardOf(Core.Labels.LabelSet.From(("alertname", n)).Fingerprint) == shard);

    [Fact]
    public async Task A_request_spread_over_both_writers_is_answered_once_every_share_is_stored()
    {
        await using var host = await AlertingTestHost.StartAsync();
        var names = NamesInShard("Spread", 0).Take(20).Concat(NamesInShard("Spread", 1).Take(20)).ToList();
        var body = "[" + string.Join(",", names.Select(n => $$$"""{"labels":{"alertname":"{{{n}}}"}}""")) + "]";

        Assert.Equal(HttpStatusCode.OK, (await host.PostJsonAsync("api/v2/alerts", body)).StatusCode);

        // Answered only after both transactions committed: every alert is there the moment the answer is.
        Assert.Equal(40L, await host.ScalarAsync<long>("SELECT count(*) FROM alerts WHERE labels->>'alertname' LIKE 'Spread%'"));
        Assert.Equal(40L, await host.CountMembershipsAsync());
    }

    /// <summary>
    /// A new alert costs one durable row (issue 20): its first group is kept on its alerts row, its arrival too; no
    /// group_members row, no alert_events row. An alert in a second group has that one as a group_members row and a
    /// "grouped" event.
    /// </summary>
    [Fact]
    public async Task A_new_alert_is_one_row_with_its_first_group_on_it()
    {
        await using var host = await AlertingTestHost.StartAsync("""
            route:
              receiver: hook
              group_by: [alertname]
              routes:
                - matchers: [team="a"]
                  continue: true
                - receiver: hook
            receivers:
              - name: hook
            """);
        Assert.Equal(HttpStatusCode.OK, (await host.PostJsonAsync("api/v2/alerts",
            """[{"labels":{"alertname":"One"}},{"labels":{"alertname":"Two"}},{"labels":{"alertname":"Three","team":"a"}}]""")).StatusCode);

        Assert.Equal(3L, await host.CountAsync("alerts"));
        // The one history row is Three's second group; arrivals and first groups are on the alerts rows.
        Assert.Equal("grouped Three", await host.ScalarAsync<string>(
            "SELECT string_agg(e.event || ' ' || (a.labels->>'alertname'), ',') FROM alert_events e JOIN alerts a USING (fingerprint)"));
        Assert.Equal(1L, await host.CountAsync("group_members"));
        Assert.Equal(4L, await host.CountMembershipsAsync());
        // Each home names a group that exists.
        Assert.Equal(3L, await host.ScalarAsync<long>(
            "SELECT count(*) FROM alerts a JOIN aggregation_groups g ON g.group_key = a.home_group_key AND g.route_id = a.home_route_id"));
        Assert.Equal("Three", await host.ScalarAsync<string>(
            "SELECT a.labels->>'alertname' FROM group_members m JOIN alerts a USING (fingerprint) WHERE m.group_key <> a.home_group_key OR m.route_id <> a.home_route_id"));
    }

    /// <summary>
    /// Both writers put new alerts into the same new groups at once: a group one of them is creating makes the other
    /// wait for its commit. They take the groups in key order, so no two wait on each other and PostgreSQL never has to
    /// end a deadlock by rolling one back.
    /// </summary>
    [Fact]
    public async Task Writers_filling_the_same_new_groups_at_once_never_deadlock()
    {
        await using var host = await AlertingTestHost.StartAsync("""
            route:
              receiver: hook
              group_by: [grp]
            receivers:
              - name: hook
            """);
        var deadlocks = await host.ScalarAsync<long>("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()");
        var requests = new List<Task<HttpResponseMessage>>();
        for (var r = 0; r < 12; r++)
        {
            // Each request reaches all 30 groups, from both writers' shares, in an order of its own.
            var alerts = Enumerable.Range(0, 60).Select(i => (Group: (i * 7 + r * 11) % 30, Name: $"Fill{r}-{i}"))
                .Select(a => $$$"""{"labels":{"alertname":"{{{a.Name}}}","grp":"g{{{a.Group}}}"}}""");
            requests.Add(host.PostJsonAsync("api/v2/alerts", "[" + string.Join(",", alerts) + "]"));
        }
        foreach (var response in await Task.WhenAll(requests))
        {
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        Assert.Equal(30L, await host.CountAsync("aggregation_groups"));
        Assert.Equal(720L, await host.CountMembershipsAsync());
        // Backends publish their database statistics about once a second.
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(deadlocks, await host.ScalarAsync<long>("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()"));
    }

    [Fact]
    public async Task A_batch_PostgreSQL_rolls_back_to_end_a_deadlock_is_written_again_not_refused()
    {
        await using var host = await AlertingTestHost.StartAsync();
        // Stands in for a deadlock: the first write of the alert is chosen as the victim, as PostgreSQL would (SQLSTATE 40P01).
        await host.ScalarAsync<object>("""
            CREATE SEQUENCE victim_writes;
            CREATE FUNCTION deadlock_once() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.labels->>'alertname' = 'Victim' AND nextval('victim_writes') = 1 THEN
                    RAISE EXCEPTION 'deadlock detected' USING ERRCODE = '40P01';
                END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER deadlock_once BEFORE INSERT OR UPDATE ON alerts FOR EACH ROW EXECUTE FUNCTION deadlock_once();
            SELECT 1
            """);

        var response = await host.PostJsonAsync("api/v2/alerts", """[{"labels":{"alertname":"Victim"}}]""");

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal(2L, await host.ScalarAsync<long>("SELECT last_value FROM victim_writes"));
        Assert.Equal(1L, await host.ScalarAsync<long>("SELECT count(*) FROM alerts WHERE labels->>'alertname' = 'Victim'"));
    }

    [Fact]
    public async Task A_refusal_in_one_writers_share_says_what_the_other_share_stored()
    {
        await using var host = await AlertingTestHost.StartAsync();
        await host.ScalarAsync<object>("""
            CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.labels->>'alertname' LIKE 'Poison%' THEN RAISE EXCEPTION 'poisoned value' USING ERRCODE = '22023'; END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER refuse_poison BEFORE INSERT OR UPDATE ON alerts FOR EACH ROW EXECUTE FUNCTION refuse_poison();
            SELECT 1
            """);
        var poison = NamesInShard("Poison", 0).First();
        var good = NamesInShard("Fine", 1).Take(3).ToList();
        var body = "[" + string.Join(",", good.Prepend(poison).Select(n => $$$"""{"labels":{"alertname":"{{{n}}}"}}""")) + "]";

        var response = await host.PostJsonAsync("api/v2/alerts", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("the database refused 1 of these 4 alerts: poisoned value; the other 3 were stored", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(3L, await host.ScalarAsync<long>("SELECT count(*) FROM alerts WHERE labels->>'alertname' LIKE 'Fine%'"));
    }

    /// <summary>
    /// A request's alerts fall to both writers, each committing its own share. A new group due at once (group_wait 0)
    /// that one share creates is held until the other share is in: one notification with every alert, as Alertmanager
    /// and a single transaction would send, not one with half of them and the rest a group_interval later.
    /// </summary>
    [Fact]
    public async Task A_new_group_due_at_once_waits_for_the_whole_request_before_its_first_notification()
    {
        using var sink = new WebhookSink();
        await using var host = await AlertingTestHost.StartAsync($"""
            route:
              receiver: hook
              group_by: [team]
              group_wait: 0s
              group_interval: 1h
            receivers:
              - name: hook
                webhook_configs:
                  - url: {sink.Url()}
            """);
        for (var round = 0; round < 5; round++)
        {
            var names = NamesInShard($"Whole{round}-", 0).Take(10).Concat(NamesInShard($"Whole{round}-", 1).Take(10));
            var body = "[" + string.Join(",", names.Select(n => $$$"""{"labels":{"alertname":"{{{n}}}","team":"t{{{round}}}"}}""")) + "]";
            Assert.Equal(HttpStatusCode.OK, (await host.PostJsonAsync("api/v2/alerts", body)).StatusCode);
        }

        var sent = await sink.WaitForAsync(5);
        Assert.All(sent, n => Assert.Equal(20, n["alerts"]!.AsArray().Count));
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(5, sink.Delivered().Count);
        Assert.Equal(0L, await host.ScalarAsync<long>("SELECT count(*) FROM aggregation_groups WHERE lease_owner LIKE '%/held'"));
    }
}
