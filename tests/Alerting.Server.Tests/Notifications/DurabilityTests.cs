using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Alerting.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace Alerting.Notifications;

/// <summary>
/// Crashes and concurrency against real PostgreSQL: kill -9 of the real binary at random moments, and two
/// instances sharing one database. Delivery is at least once; the only repeat allowed is the documented
/// window of a kill between a receiver's 2xx and the commit of the notification log.
/// </summary>
public sealed class DurabilityTests(ITestOutputHelper output)
{
    private enum KillMoment
    {
        /// <summary>While the POST is on the wire: its answer may or may not have been a 2xx.</summary>
        DuringPost,

        /// <summary>Right after the 2xx: the alerts are committed, their groups not yet due.</summary>
        JustAfterPost,

        /// <summary>Somewhere in group_wait (1 s).</summary>
        DuringGroupWait,

        /// <summary>While this instance holds an outbox row, i.e. a send is in flight (the sink answers in 300 ms).</summary>
        SendInFlight,
    }

    private static string Config(WebhookSink sink, string groupWait, string groupInterval) => $$"""
        global:
          resolve_timeout: 5m
        route:
          receiver: hook
          group_by: [alertname]
          group_wait: {{groupWait}}
          group_interval: {{groupInterval}}
          repeat_interval: 1h
        receivers:
          - name: hook
            webhook_configs:
              - url: {{sink.Url()}}
        """;

    private static string Alerts(IEnumerable<string> names) =>
        "[" + string.Join(",", names.Select(n => $$$"""{"labels":{"alertname":"{{{n}}}","job":"durability"}}""")) + "]";

    private static IEnumerable<string> Names(JsonObject n) => n["alerts"]!.AsArray().Select(a => (string)a!["labels"]!["alertname"]!);

    [Fact]
    public async Task Kill_9_at_any_moment_loses_and_repeats_nothing()
    {
        const int Cycles = 6;
        const int PerCycle = 3;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("ALERTING_DURABILITY_SEED"), out var s) ? s : 20261126;
        var random = new Random(seed);
        var clock = Stopwatch.StartNew();
        void Log(string line) => output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{clock.Elapsed.TotalSeconds,6:0.00}s] {line}"));

        using var sink = new WebhookSink();
        // Slow enough that kills land mid-send. ALERTING_DURABILITY_SINK_DELAY_MS overrides it (e.g. 1200 to make a
        // receiver slower than the 1 s minimum budget a row gets once its flush deadline has passed).
        var sinkDelay = int.TryParse(Environment.GetEnvironmentVariable("ALERTING_DURABILITY_SINK_DELAY_MS"), out var ms) ? ms : 300;
        sink.RespondWith(200, delay: TimeSpan.FromMilliseconds(sinkDelay));
        var connectionString = await TestDatabase.CreateAsync();
        var dir = Directory.CreateTempSubdirectory("alerting-durability-");
        var configPath = Path.Combine(dir.FullName, "alerting.yml");
        await File.WriteAllTextAsync(configPath, Config(sink, groupWait: "1s", groupInterval: "2s"));

        // Every moment at least once, the rest drawn at random; the order shuffled. All from the seed.
        KillMoment[] moments = [.. Enum.GetValues<KillMoment>(), .. Enumerable.Range(0, Cycles - 4).Select(_ => (KillMoment)random.Next(4))];
        random.Shuffle(moments);
        Log($"seed {seed} (ALERTING_DURABILITY_SEED), sink delay {sinkDelay} ms, kill moments: {string.Join(", ", moments)}");

        var posted = new List<string>();
        var accepted = new HashSet<string>(StringComparer.Ordinal);
        // Outbox rows a killed instance held (claimed for sending): each may legitimately be sent twice.
        var heldAtKill = new Dictionary<string, DateTime>(StringComparer.Ordinal);
        var groupsAtKill = new Dictionary<string, DateTime>(StringComparer.Ordinal);
        var killsInFlight = 0;
        var groupsHeldAtKill = 0;
        // Delivery's "failed ... deadline passed" warnings: sends given up at the flush deadline (the receiver may have got them).
        var abandoned = new List<string>();
        ChildProcessAlerting? child = null;
        try
        {
            for (var cycle = 0; cycle < Cycles; cycle++)
            {
                child = await ChildProcessAlerting.StartAsync(configPath, connectionString);
                var names = Enumerable.Range(0, PerCycle).Select(i => $"Crash{cycle}x{i}").ToList();
                posted.AddRange(names);
                var moment = moments[cycle];
                var post = child.PostJsonAsync("api/v2/alerts", Alerts(names));
                string detail;
                switch (moment)
                {
                    case KillMoment.DuringPost:
                        var wait = random.Next(0, 120);
                        await Task.Delay(wait);
                        await child.Kill9Async();
                        detail = $"{wait} ms after starting the POST";
                        break;
                    case KillMoment.JustAfterPost:
                        await post;
                        wait = random.Next(0, 50);
                        await Task.Delay(wait);
                        await child.Kill9Async();
                        detail = $"{wait} ms after the 2xx";
                        break;
                    case KillMoment.DuringGroupWait:
                        await post;
                        wait = random.Next(100, 900);
                        await Task.Delay(wait);
                        await child.Kill9Async();
                        detail = $"{wait} ms after the 2xx";
                        break;
                    default:
                        await post;
                        var seen = await WaitForHeldRowAsync(connectionString, child.InstanceName, TimeSpan.FromSeconds(10));
                        wait = random.Next(0, 250);
                        await Task.Delay(wait);
                        await child.Kill9Async();
                        detail = seen ? $"{wait} ms after it claimed an outbox row" : "no claimed outbox row seen within 10 s";
                        break;
                }

                var killedAt = DateTime.UtcNow;
                try
                {
                    using var response = await post;
                    if (response.IsSuccessStatusCode)
                    {
                        accepted.UnionWith(names);
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    // Killed before it answered: not accepted, so it may or may not have been stored.
                }

                var heldRows = await QueryListAsync(connectionString, $"SELECT group_key FROM outbox WHERE lease_owner LIKE '{child.InstanceName}'");
                var heldGroups = await QueryListAsync(connectionString, $"SELECT group_key FROM aggregation_groups WHERE lease_owner LIKE '{child.InstanceName}'");
                foreach (var key in heldRows)
                {
                    heldAtKill[key] = killedAt;
                }
                foreach (var key in heldGroups)
                {
                    groupsAtKill[key] = killedAt;
                }
                killsInFlight += heldRows.Count > 0 ? 1 : 0;
                groupsHeldAtKill += heldGroups.Count;
                abandoned.AddRange(child.Output.Split('\n').Where(l => l.Contains("deadline passed", StringComparison.Ordinal)).Select(l => $"pid {child.ProcessId}: {l.Trim()}"));
                Log($"cycle {cycle}: killed pid {child.ProcessId} {moment} ({detail}); it held {heldRows.Count} outbox rows, {heldGroups.Count} groups; sink has {sink.Delivered().Count}");
                await child.DisposeAsync();
                child = null;
            }

            // The last instance runs until everything stored is told and nothing is left in flight.
            child = await ChildProcessAlerting.StartAsync(configPath, connectionString);
            Log($"final instance pid {child.ProcessId} started; waiting until quiet");
            var quietBy = DateTime.UtcNow + TimeSpan.FromSeconds(90);
            string state;
            while (true)
            {
                var stored = await StoredNamesAsync(connectionString);
                var delivered = sink.Delivered().SelectMany(Names).ToHashSet(StringComparer.Ordinal);
                var outbox = await Sql.QueryAsync(connectionString, "SELECT count(*) FROM outbox");
                var leased = await Sql.QueryAsync(connectionString, "SELECT count(*) FROM aggregation_groups WHERE lease_owner IS NOT NULL");
                var pending = await Sql.QueryAsync(connectionString, "SELECT count(*) FROM alerts WHERE state = 'pending'");
                state = $"{stored.Count(n => !delivered.Contains(n))} stored alerts untold, outbox {outbox}, leased groups {leased}, pending alerts {pending}";
                if (stored.All(delivered.Contains) && outbox == "0" && leased == "0" && pending == "0")
                {
                    break;
                }
                if (DateTime.UtcNow > quietBy)
                {
                    Assert.Fail($"not quiet within 90 s: {state}\n{await DescribeAsync(connectionString)}\n{child.Output}");
                }
                await Task.Delay(250);
            }
            Log($"quiet: {state}");
            // Longer than group_interval: another flush of every group must send nothing more.
            var before = sink.Delivered().Count;
            await Task.Delay(TimeSpan.FromSeconds(3));
            Assert.True(before == sink.Delivered().Count, $"sent {sink.Delivered().Count - before} more after quiet\n{await DescribeAsync(connectionString)}");

            abandoned.AddRange(child.Output.Split('\n').Where(l => l.Contains("deadline passed", StringComparison.Ordinal)).Select(l => $"pid {child.ProcessId}: {l.Trim()}"));
            var storedNames = await StoredNamesAsync(connectionString);
            var notifications = sink.Delivered();
            var perGroup = notifications.GroupBy(n => (string)n["groupKey"]!).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
            var deliveredNames = notifications.Where(n => (string)n["status"]! == "firing").SelectMany(Names).ToHashSet(StringComparer.Ordinal);
            var duplicates = perGroup.Values.Sum(l => l.Count - 1);
            var due = storedNames.Count;
            Log($"crash-loop: {Cycles} cycles, {accepted.Count} accepted, {storedNames.Count} stored, {due} due, {perGroup.Count} delivered, {duplicates} duplicates"
                + $" ({notifications.Count} notifications; {killsInFlight} kills with sends in flight holding {heldAtKill.Count} outbox rows; {groupsHeldAtKill} groups held mid-flush; {abandoned.Count} sends abandoned at their deadline)");
            foreach (var (key, list) in perGroup.Where(p => p.Value.Count > 1))
            {
                var at = heldAtKill.ContainsKey(key) ? "its outbox row was held by a killed instance" : "NOT held by a killed instance";
                var arrivals = sink.Requests
                    .Where(e => e.RequestMessage.Body is { } b && (string?)JsonNode.Parse(b)?["groupKey"] == key)
                    .Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.RequestMessage.DateTime.ToUniversalTime():HH:mm:ss.fff}->{e.ResponseMessage.StatusCode}"));
                Log($"  repeated {list.Count}x: {key}, {at}; arrived {string.Join(", ", arrivals)}");
            }
            Log($"  attempts: {await Sql.QueryAsync(connectionString, "SELECT string_agg(to_char(at, 'HH24:MI:SS.MS') || ' ' || group_key || ' ' || outcome || coalesce(' ' || error, ''), E'\\n    ' ORDER BY id) FROM notification_attempts")}");
            foreach (var line in abandoned)
            {
                Log($"  abandoned: {line}");
            }
            await LogHeldDelaysAsync(connectionString, "outbox row held", heldAtKill, Log);
            await LogHeldDelaysAsync(connectionString, "group held mid-flush", groupsAtKill, Log);

            // Nothing acknowledged is lost: stored, and told.
            Assert.Empty(accepted.Except(storedNames));
            Assert.Empty(accepted.Except(deliveredNames));
            Assert.Empty(storedNames.Except(deliveredNames));
            Assert.Empty(deliveredNames.Except(posted));
            Assert.All(notifications, n => Assert.Single(Names(n)));
            Assert.Equal(due, perGroup.Count);
            Assert.Equal(due, int.Parse(await Sql.QueryAsync(connectionString, "SELECT count(*) FROM notification_log") ?? "-1", CultureInfo.InvariantCulture));

            // Nothing repeated, except a send in flight when its sender was killed (receiver's 2xx, no log yet): once more at most.
            var unexplained = perGroup.Where(p => p.Value.Count > 2 || (p.Value.Count == 2 && !heldAtKill.ContainsKey(p.Key))).Select(p => $"{p.Key} x{p.Value.Count}").ToList();
            Assert.True(unexplained.Count == 0, $"repeated beyond the at-least-once window: {string.Join(", ", unexplained)}\n{await DescribeAsync(connectionString)}");
            Assert.True(duplicates <= heldAtKill.Count, $"{duplicates} duplicates > {heldAtKill.Count} rows in flight at a kill");
            Log($"took {clock.Elapsed.TotalSeconds:0.0} s");
        }
        finally
        {
            if (child is not null)
            {
                await child.DisposeAsync();
            }
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Two_instances_on_one_database_send_each_notification_once()
    {
        const int Count = 50;
        var clock = Stopwatch.StartNew();
        using var sink = new WebhookSink();
        var connectionString = await TestDatabase.CreateAsync();
        var config = Config(sink, groupWait: "1s", groupInterval: "1h");
        await using var first = await AlertingTestHost.StartAsync(config, connectionString);
        await using var second = await AlertingTestHost.StartAsync(config, connectionString);
        AlertingTestHost[] hosts = [first, second];

        // All in flight together, half to each instance, started 30 ms apart: the groups fall due at ~50 different
        // moments over 1.5 s, and at each both dispatchers wake and race to claim them.
        var responses = await Task.WhenAll(Enumerable.Range(0, Count).Select(async i =>
        {
            await Task.Delay(i * 30);
            return await hosts[i % 2].PostJsonAsync("api/v2/alerts", Alerts([$"Pair{i:00}"]));
        }));
        Assert.All(responses, r => Assert.True(r.IsSuccessStatusCode, $"{(int)r.StatusCode}"));

        await sink.WaitForAsync(Count, TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(3));

        var notifications = sink.Delivered();
        var perGroup = notifications.GroupBy(n => (string)n["groupKey"]!).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var flushes = new List<double>();
        foreach (var host in hosts)
        {
            flushes.Add(await MetricAsync(host, "alerting_dispatcher_flushes_total"));
        }
        output.WriteLine($"two instances: {Count} posted, {notifications.Count} notifications, {perGroup.Count} groups, "
            + $"flushes {flushes[0]} + {flushes[1]}, {await Sql.QueryAsync(connectionString, "SELECT count(*) FROM notification_log")} log rows; took {clock.Elapsed.TotalSeconds:0.0} s");

        Assert.Equal(Count, perGroup.Count);
        Assert.Equal(Count, notifications.Count);
        Assert.All(perGroup, p => Assert.True(p.Value == 1, $"{p.Key} sent {p.Value} times"));
        Assert.Equal(
            Enumerable.Range(0, Count).Select(i => $"Pair{i:00}").Order(StringComparer.Ordinal),
            notifications.SelectMany(Names).Order(StringComparer.Ordinal));
        // Each group claimed by exactly one instance (group_interval 1h: no second flush yet), and both took part.
        Assert.Equal(Count, flushes.Sum());
        Assert.All(flushes, f => Assert.True(f > 0, $"an instance flushed nothing: {flushes[0]} + {flushes[1]}"));
        Assert.Equal(0, int.Parse(await Sql.QueryAsync(connectionString, "SELECT count(*) FROM outbox") ?? "-1", CultureInfo.InvariantCulture));
    }

    private static async Task<double> MetricAsync(AlertingTestHost host, string name)
    {
        var text = await host.Client.GetStringAsync("metrics");
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith(name + " ", StringComparison.Ordinal) || l.StartsWith(name + "{", StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
    }

    /// <summary>Polls until the instance has claimed an outbox row (a send is in flight).</summary>
    private static async Task<bool> WaitForHeldRowAsync(string connectionString, string instanceName, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM outbox WHERE lease_owner LIKE $1)", conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = instanceName });
        while (DateTime.UtcNow < deadline)
        {
            if ((bool)(await cmd.ExecuteScalarAsync())!)
            {
                return true;
            }
            await Task.Delay(10);
        }
        return false;
    }

    private static async Task<HashSet<string>> StoredNamesAsync(string connectionString) =>
        [.. await QueryListAsync(connectionString, "SELECT labels->>'alertname' FROM alerts")];

    private static async Task<List<string>> QueryListAsync(string connectionString, string sql)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await using var reader = await cmd.ExecuteReaderAsync();
        var result = new List<string>();
        while (await reader.ReadAsync())
        {
            result.Add(reader.GetString(0));
        }
        return result;
    }

    /// <summary>
    /// How long after the kill the groups a killed instance held (outbox rows mid-send, groups mid-flush) were sent:
    /// a restart does not take them back, their lease running out does.
    /// </summary>
    private static async Task LogHeldDelaysAsync(string connectionString, string what, Dictionary<string, DateTime> held, Action<string> log)
    {
        if (held.Count == 0)
        {
            return;
        }
        var sent = new Dictionary<string, DateTime>(StringComparer.Ordinal);
        await using (var conn = new NpgsqlConnection(connectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("SELECT group_key, max(at) FROM notification_attempts WHERE outcome = 'success' GROUP BY group_key", conn);
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                sent[reader.GetString(0)] = reader.GetDateTime(1);
            }
        }
        foreach (var (key, killedAt) in held.OrderBy(h => h.Key, StringComparer.Ordinal))
        {
            var after = sent.TryGetValue(key, out var at) ? string.Create(CultureInfo.InvariantCulture, $"sent {(at - killedAt).TotalSeconds:0.0} s after the kill") : "never sent";
            log($"  {what} at a kill: {key}, {after}");
        }
    }

    private static async Task<string> DescribeAsync(string connectionString) => string.Join("\n",
        "outbox: " + await Sql.QueryAsync(connectionString,
            "SELECT coalesce(string_agg(group_key || ' owner=' || coalesce(lease_owner, '-') || ' until=' || coalesce(lease_until::text, '-') || ' attempts=' || attempts || ' v' || version, E'\n  ' ORDER BY id), '') FROM outbox"),
        "groups: " + await Sql.QueryAsync(connectionString,
            "SELECT coalesce(string_agg(group_key || ' next=' || next_flush_at || ' owner=' || coalesce(lease_owner, '-') || ' until=' || coalesce(lease_until::text, '-'), E'\n  ' ORDER BY group_key), '') FROM aggregation_groups"),
        "log: " + await Sql.QueryAsync(connectionString,
            "SELECT coalesce(string_agg(group_key || ' ' || sent_at, E'\n  ' ORDER BY group_key), '') FROM notification_log"),
        "attempts: " + await Sql.QueryAsync(connectionString,
            "SELECT coalesce(string_agg(at || ' ' || group_key || ' ' || outcome, E'\n  ' ORDER BY id), '') FROM notification_attempts"),
        "alerts: " + await Sql.QueryAsync(connectionString,
            "SELECT coalesce(string_agg((labels->>'alertname') || ' ' || state, ', ' ORDER BY labels->>'alertname'), '') FROM alerts"));
}
