using System.Diagnostics;
using System.Globalization;
using System.Net;
using Alerting.Infrastructure;
using Xunit.Abstractions;

namespace Alerting.Faults;

/// <summary>
/// Issue 8, fault 5: SIGTERM while sends are under way, a reload with a broken configuration, and a kill -9 in
/// the middle of a reload. Graceful shutdown finishes or hands back what it holds; nothing is lost or sent twice.
/// </summary>
[Collection(FaultsCollection.Name)]
public sealed class ShutdownAndReloadTests(ITestOutputHelper output)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private void Log(string line) => output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{_clock.Elapsed.TotalSeconds,6:0.00}s] {line}"));

    private static string Alerts(IEnumerable<string> names, string labels = "") =>
        "[" + string.Join(",", names.Select(n => $$$"""{"labels":{"alertname":"{{{n}}}"{{{labels}}}}}""")) + "]";

    [Fact]
    public async Task Sigterm_during_sends_finishes_them_or_hands_them_back_and_nothing_is_lost_or_repeated()
    {
        const int Count = 24;
        await using var receiver = await FaultyReceiver.StartAsync();
        // Each send to "slow" takes 2 s, so SIGTERM lands on sends under way (16 at once, the rest waiting their
        // turn); "failing" answers 500, so its rows are waiting to retry.
        receiver.Set("/slow", new Answer(200, TimeSpan.FromSeconds(2)));
        receiver.Set("/failing", new Answer(500));
        var db = await TestDatabase.CreateAsync();
        using var dir = new TempDirectory("alerting-term-");
        var configPath = Path.Combine(dir.Path, "alerting.yml");
        await File.WriteAllTextAsync(configPath, $$"""
            route:
              receiver: slow
              group_by: [alertname]
              group_wait: 0s
              group_interval: 30s
              repeat_interval: 1h
              routes:
                - receiver: failing
                  matchers: ['alertname=~"T.*"']
                  continue: true
                - receiver: slow
                  matchers: ['alertname=~".+"']
            receivers:
              - name: slow
                webhook_configs:
                  - url: {{receiver.Url("/slow")}}
              - name: failing
                webhook_configs:
                  - url: {{receiver.Url("/failing")}}
            """);
        // Not "await using": it is stopped halfway through; the finally is for a failure before that.
        var child = await ChildProcessAlerting.StartAsync(configPath, db);
        bool seen;
        int underWay, exitCode;
        TimeSpan took;
        string instance, childOutput;
        try
        {
            string[] names = [.. Enumerable.Range(0, Count).Select(i => $"T{i:00}")];
            using (var response = await child.PostJsonAsync("api/v2/alerts", Alerts(names)))
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
            seen = await WaitAsync(() => receiver.InProgress >= 10 && receiver.Arrivals.Any(a => a.Path == "/failing"), TimeSpan.FromSeconds(15));
            underWay = receiver.InProgress;
            instance = child.InstanceName;
            (exitCode, took) = await child.TerminateAsync(TimeSpan.FromSeconds(40));
            childOutput = child.Output;
        }
        finally
        {
            await child.DisposeAsync();
        }
        var heldAfter = await Ledger.CountAsync(db, $"SELECT count(*) FROM outbox WHERE lease_owner LIKE '{instance}' AND receiver = 'slow'");
        var slowBefore = receiver.Delivered("/slow");
        var logged = await Ledger.CountAsync(db, "SELECT count(*) FROM notification_log WHERE receiver = 'slow'");
        Log($"SIGTERM with {underWay} sends at the receiver (seen: {seen}): exit {exitCode} after {took.TotalSeconds:0.0} s; "
            + $"{slowBefore.Count} sends to slow answered, {logged} recorded; {heldAfter} slow rows still held by the stopped instance");

        // The successor sends the rest at once (handed back, not waiting out a lease); the failing receiver is back.
        receiver.Set("/failing", Answer.Ok);
        receiver.Set("/slow", Answer.Ok);
        await using var successor = await ChildProcessAlerting.StartAsync(configPath, db);
        var started = DateTime.UtcNow;
        var quiet = await WaitAsync(async () =>
            receiver.Delivered("/slow").SelectMany(a => a.Alerts).Distinct().Count() == Count
            && receiver.Delivered("/failing").SelectMany(a => a.Alerts).Distinct().Count() == Count
            && await Ledger.CountAsync(db, "SELECT count(*) FROM outbox") == 0, TimeSpan.FromSeconds(60));
        var slowDone = receiver.Delivered("/slow").Max(a => a.ArrivedAt);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var (_, repeated) = Ledger.Duplicates(receiver.Delivered(), []);
        Log($"sigterm: exit {exitCode} after {took.TotalSeconds:0.0} s with {underWay} sends under way, {slowBefore.Count} finished and {logged} recorded before the exit, "
            + $"{heldAfter} rows left held; successor sent the rest to slow {(slowDone - started).TotalSeconds:0.0} s after its start; "
            + $"{Count} + {Count} due, {receiver.Delivered("/slow").Count} + {receiver.Delivered("/failing").Count} delivered, {repeated.Count} duplicates");
        foreach (var line in repeated)
        {
            Log($"  repeated: {line}");
        }

        Assert.True(seen, "sends were under way at the SIGTERM");
        Assert.True(quiet, $"not everything delivered after the restart\n{successor.Output}");
        Assert.Equal(0, exitCode);
        Assert.True(took < TimeSpan.FromSeconds(10), $"shutdown took {took.TotalSeconds:0.0} s\n{childOutput}");
        // Every send under way at the SIGTERM finished and was recorded; rows still waiting were handed back.
        Assert.True(slowBefore.Count >= underWay, $"{underWay} under way, {slowBefore.Count} answered");
        Assert.Equal(slowBefore.Count, logged);
        Assert.True(heldAfter == 0, $"{heldAfter} rows left held by the stopped instance; its log:\n{childOutput}");
        Assert.True(slowDone - started < TimeSpan.FromSeconds(10), "handed-back rows went out without waiting for a lease to run out");
        Assert.Empty(repeated);
        Assert.Equal(Count, receiver.Delivered("/slow").Count);
        Assert.Equal(Count, receiver.Delivered("/failing").Count);
    }

    [Fact]
    public async Task A_broken_configuration_is_refused_and_a_restart_during_a_reload_loses_nothing()
    {
        await using var receiver = await FaultyReceiver.StartAsync();
        var db = await TestDatabase.CreateAsync();
        using var dir = new TempDirectory("alerting-reload-");
        var configPath = Path.Combine(dir.Path, "alerting.yml");
        // Version N sends team="db" alerts to receiver rN; everything else to "rest".
        string Config(int version) => $$"""
            route:
              receiver: rest
              group_by: [alertname]
              group_wait: 0s
              group_interval: 2s
              repeat_interval: 1h
              routes:
                - receiver: r{{version}}
                  matchers: ['team="db"']
            receivers:
              - name: rest
                webhook_configs:
                  - url: {{receiver.Url("/rest")}}
              - name: r{{version}}
                webhook_configs:
                  - url: {{receiver.Url($"/r{version}")}}
            """;
        await File.WriteAllTextAsync(configPath, Config(1));
        // Not "await using": it is replaced by each restart; the finally disposes whichever is current.
        var child = await ChildProcessAlerting.StartAsync(configPath, db);
        try
        {
            string[] db1 = [.. Enumerable.Range(0, 5).Select(i => $"Db{i}")];
            using (var response = await child.PostJsonAsync("api/v2/alerts", Alerts(db1, ",\"team\":\"db\"")))
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
            Assert.True(await WaitAsync(() => receiver.Delivered("/r1").Count == 5, TimeSpan.FromSeconds(15)), "told r1");

            // A broken file is refused, over HTTP and on SIGHUP; the running configuration stays and keeps working.
            await File.WriteAllTextAsync(configPath, Config(2).Replace("receiver: r2", "receiver: nobody", StringComparison.Ordinal));
            using var refused = await child.Client.PostAsync("-/reload", null);
            var refusedBody = await refused.Content.ReadAsStringAsync();
            await child.SignalAsync("HUP");
            await File.WriteAllTextAsync(configPath, "route: [not a route");
            using var refusedYaml = await child.Client.PostAsync("-/reload", null);
            using (var response = await child.PostJsonAsync("api/v2/alerts", Alerts(["Rest0"])))
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
            using (var response = await child.PostJsonAsync("api/v2/alerts", Alerts(["Db5"], ",\"team\":\"db\"")))
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
            Assert.True(await WaitAsync(() => receiver.Delivered("/rest").Count == 1 && receiver.Delivered("/r1").Count == 6, TimeSpan.FromSeconds(15)),
                "the running configuration kept working");
            Log($"broken reloads refused: {(int)refused.StatusCode} ({refusedBody.Trim()}), {(int)refusedYaml.StatusCode}; "
                + $"process up: {!child.HasExited}; new alerts went by the running configuration");

            // Now valid new versions, each interrupted a few milliseconds into the reload, then restarted: version 2 by
            // kill -9 during a SIGHUP reload, version 3 by SIGTERM during a POST /-/reload.
            var random = new Random(20261128);
            var kills = new List<Kill>();
            for (var version = 2; version <= 3; version++)
            {
                await File.WriteAllTextAsync(configPath, Config(version));
                var delay = random.Next(0, 40);
                if (version == 2)
                {
                    await child.SignalAsync("HUP");
                    await Task.Delay(delay);
                    await child.Kill9Async();
                    kills.Add(new Kill(DateTime.UtcNow, child.InstanceName, await Ledger.HeldRowsAsync(db, child.InstanceName)));
                }
                else
                {
                    _ = child.Client.PostAsync("-/reload", null);
                    await Task.Delay(delay);
                    var (exitCode, _) = await child.TerminateAsync(TimeSpan.FromSeconds(30));
                    Assert.Equal(0, exitCode);
                }
                await child.DisposeAsync();
                child = await ChildProcessAlerting.StartAsync(configPath, db);
                var target = $"/r{version}";
                var told = await WaitAsync(() => receiver.Delivered(target).SelectMany(a => a.Alerts).Distinct().Count() == 6, TimeSpan.FromSeconds(30));
                Log($"version {version}: {(version == 2 ? "kill -9" : "SIGTERM")} {delay} ms into a reload ({(version == 2 ? "SIGHUP" : "POST /-/reload")}), restarted; "
                    + $"{target} told {receiver.Delivered(target).Count} of 6 groups (all: {told})");
                Assert.True(told, $"the db alerts moved to {target}\n{child.Output}");
            }
            await Task.Delay(TimeSpan.FromSeconds(3));
            var (window, repeated) = Ledger.Duplicates(receiver.Delivered(), kills);
            Log($"reload: 2 broken configurations refused, a reload cut by kill -9 and one by SIGTERM; rest {receiver.Delivered("/rest").Count}, r1 {receiver.Delivered("/r1").Count}, "
                + $"r2 {receiver.Delivered("/r2").Count}, r3 {receiver.Delivered("/r3").Count} notifications; {window + repeated.Count} duplicates ({window} in the documented window)");
            foreach (var line in repeated)
            {
                Log($"  repeated: {line}");
            }

            Assert.Equal(HttpStatusCode.InternalServerError, refused.StatusCode);
            Assert.Contains("nobody", refusedBody, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.InternalServerError, refusedYaml.StatusCode);
            Assert.Empty(repeated);
            Assert.Equal(6, receiver.Delivered("/r1").Count);
            Assert.Single(receiver.Delivered("/rest"));
        }
        finally
        {
            await child.DisposeAsync();
        }
    }

    private static async Task<bool> WaitAsync(Func<bool> condition, TimeSpan timeout) => await WaitAsync(() => Task.FromResult(condition()), timeout);

    private static async Task<bool> WaitAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = Deadline.In(timeout);
        while (!deadline.Passed)
        {
            if (await condition())
            {
                return true;
            }
            await Task.Delay(50);
        }
        return await condition();
    }
}
