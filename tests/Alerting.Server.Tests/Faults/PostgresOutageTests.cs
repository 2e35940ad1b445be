using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Alerting.Infrastructure;
using Xunit.Abstractions;

namespace Alerting.Faults;

/// <summary>
/// Issue 8, fault 2: PostgreSQL stops (immediate shutdown) for 30 s under load. Ingestion answers 503 with
/// Retry-After and never a 2xx it cannot keep, /-/ready fails while /-/healthy answers within a second, the
/// process stays up, and within 5 s of PostgreSQL's return ingestion and dispatch go on by themselves, losing nothing.
/// </summary>
[Collection(FaultsCollection.Name)]
public sealed class PostgresOutageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(30);

    internal sealed record Probe(DateTime At, int Status, double Milliseconds);

    [Fact]
    public async Task A_30_s_outage_refuses_what_it_cannot_keep_and_recovers_by_itself()
    {
        var clock = Stopwatch.StartNew();
        void Log(string line) => output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{clock.Elapsed.TotalSeconds,6:0.00}s] {line}"));

        await using var pg = await StoppablePostgres.StartAsync();
        await using var receiver = await FaultyReceiver.StartAsync();
        // Sends take 300 ms, so some are under way when the database goes.
        receiver.Set("/hook", new Answer(200, TimeSpan.FromMilliseconds(300)));
        using var dir = new TempDirectory("alerting-pgout-");
        var configPath = Path.Combine(dir.Path, "alerting.yml");
        await File.WriteAllTextAsync(configPath, $$"""
            route:
              receiver: hook
              group_by: [grp]
              group_wait: 1s
              group_interval: 2s
              repeat_interval: 1h
            receivers:
              - name: hook
                webhook_configs:
                  - url: {{receiver.Url("/hook")}}
            """);
        await using var child = await ChildProcessAlerting.StartAsync(configPath, pg.ConnectionString, TimeSpan.FromSeconds(60));
        Log($"alerting pid {child.ProcessId} on its own PostgreSQL (port {pg.Port})");

        // Groups "before*" take alerts until the outage, "after*" from the return: a group whose send was cut off
        // keeps its alert set, so sending it twice would show.
        var phase = new System.Runtime.CompilerServices.StrongBox<string>("before");
        await using var load = new AlertLoad(
            _ => child.Client.BaseAddress,
            n => [.. Enumerable.Range(0, 5).Select(k => ($"P{n}x{k}", $"{phase.Value}{n % 3}"))],
            workers: 2,
            pace: TimeSpan.FromMilliseconds(50));
        using var stopProbes = new CancellationTokenSource();
        var healthy = new ConcurrentQueue<Probe>();
        var ready = new ConcurrentQueue<Probe>();
        var threads = new ConcurrentQueue<int>();
        var probes = Task.WhenAll(
            ProbeAsync(child.Client.BaseAddress!, "-/healthy", TimeSpan.FromMilliseconds(100), healthy, stopProbes.Token),
            ProbeAsync(child.Client.BaseAddress!, "-/ready", TimeSpan.FromMilliseconds(250), ready, stopProbes.Token),
            SampleThreadsAsync(child.ProcessId, threads, stopProbes.Token));
        load.Start();

        await Task.Delay(TimeSpan.FromSeconds(6));
        // Pull the plug while a send is at the receiver: its success must still be recorded, once.
        while (receiver.InProgress == 0)
        {
            await Task.Delay(5);
        }
        var stopping = DateTime.UtcNow;
        await pg.StopAsync();
        var down = DateTime.UtcNow;
        Log($"PostgreSQL stopped (took {(down - stopping).TotalMilliseconds:0} ms); {load.Accepted.Count} accepted so far");
        await Task.Delay(Outage);
        var starting = DateTime.UtcNow;
        phase.Value = "after";
        await pg.StartAgainAsync();
        var back = DateTime.UtcNow;
        Log($"PostgreSQL back (start took {(back - starting).TotalSeconds:0.0} s)");
        // Everything due before or during the outage goes out within 5 s of the return.
        var caughtUp = double.NaN;
        while (DateTime.UtcNow < back.AddSeconds(15))
        {
            var before = (await Ledger.StoredAsync(pg.ConnectionString)).Where(a => a.Value.Contains("before", StringComparison.Ordinal)).ToDictionary();
            if (Ledger.Missing(before, receiver.Delivered(), "/hook") is { GroupsBehind.Count: 0, Untold.Count: 0 })
            {
                caughtUp = (DateTime.UtcNow - back).TotalSeconds;
                break;
            }
            await Task.Delay(100);
        }
        Log($"groups due before the return all told {caughtUp:0.0} s after it");

        await Task.Delay(TimeSpan.FromSeconds(8));
        await load.StopAsync();
        Log($"load stopped; {load.Accepted.Count} accepted");

        var quietBy = clock.Elapsed + TimeSpan.FromSeconds(60);
        while (true)
        {
            var stored = await Ledger.StoredAsync(pg.ConnectionString);
            var (behind, untold) = Ledger.Missing(stored, receiver.Delivered(), "/hook");
            var outbox = await Ledger.CountAsync(pg.ConnectionString, "SELECT count(*) FROM outbox");
            if (behind.Count == 0 && untold.Count == 0 && outbox == 0)
            {
                break;
            }
            Assert.True(clock.Elapsed < quietBy, $"not quiet within 60 s of the load's end: {behind.Count} groups behind, {untold.Count} alerts untold, outbox {outbox}\n{child.Output}");
            await Task.Delay(250);
        }
        var quiet = DateTime.UtcNow;
        await Task.Delay(TimeSpan.FromSeconds(3));
        await stopProbes.CancelAsync();
        await probes;

        var posts = load.Posts;
        var accepted = load.Accepted;
        var storedAlerts = await Ledger.StoredAsync(pg.ConnectionString);
        var delivered = receiver.Delivered("/hook");
        var (_, unexplained) = Ledger.Duplicates(delivered, []);
        var (groupsBehind, untoldAlerts) = Ledger.Missing(storedAlerts, delivered, "/hook");
        var groups = storedAlerts.Values.Distinct(StringComparer.Ordinal).Count();

        // Sent once the database was gone, answered before it was back: none may be a 2xx.
        var during = posts.Where(p => p.SentAt >= down && p.AnsweredAt <= starting).ToList();
        var duringOk = during.Count(p => p.Accepted);
        var during503 = during.Count(p => p.Status == 503 && p.RetryAfter);
        // Ready's own query gives up after 2 s: probes from then on, until the restart, must all fail.
        var readyDown = ready.Where(p => p.At >= down.AddSeconds(2.5) && p.At <= starting).ToList();
        var readyAfter = ready.Where(p => p.At >= back.AddSeconds(5)).ToList();
        var firstAccepted = posts.Where(p => p.SentAt >= back && p.Accepted).MinBy(p => p.AnsweredAt);
        var firstSent = receiver.Arrivals.Where(a => a.ArrivedAt >= back).MinBy(a => a.ArrivedAt);
        var ingestionResumed = firstAccepted is null ? double.NaN : (firstAccepted.AnsweredAt - back).TotalSeconds;
        var dispatchResumed = firstSent is null ? double.NaN : (firstSent.ArrivedAt - back).TotalSeconds;
        // Warm: from a second before the outage on (the first probes also pay for the endpoint's first run).
        var healthyMax = healthy.Where(p => p.At >= stopping.AddSeconds(-1)).Max(p => p.Milliseconds);
        var healthyColdMax = healthy.Max(p => p.Milliseconds);
        var slowest = healthy.MaxBy(p => p.Milliseconds)!;

        Log($"postgres-outage: {Outage.TotalSeconds:0} s down, {accepted.Count} accepted, {accepted.Count(storedAlerts.ContainsKey)} stored, {groups} due, "
            + $"{groups - groupsBehind.Count} delivered, {unexplained.Count} duplicates; "
            + $"during the outage {during.Count} POSTs: {during503} answered 503 with Retry-After, {duringOk} 2xx, {during.Count - during503 - duringOk} other; "
            + $"/-/ready {readyDown.Count(p => p.Status == 503)}/{readyDown.Count} 503 while down, {readyAfter.Count(p => p.Status == 200)}/{readyAfter.Count} 200 after; "
            + $"/-/healthy {healthy.Count(p => p.Status == 200)}/{healthy.Count} 200, slowest {healthyMax:0} ms from the outage on ({healthyColdMax:0} ms including the first probes, {(slowest.At - down).TotalSeconds:+0.0;-0.0} s from the outage's start); threads {threads.Min()}-{threads.Max()}; "
            + $"ingestion resumed {ingestionResumed:0.0} s and dispatch {dispatchResumed:0.0} s after PostgreSQL was back, everything due by then told after {caughtUp:0.0} s; quiet {(quiet - back).TotalSeconds:0.0} s after");
        foreach (var line in unexplained)
        {
            Log($"  repeated: {line}");
        }

        Assert.False(child.HasExited, $"alerting exited:\n{child.Output}");
        Assert.True(during.Count > 50, $"only {during.Count} POSTs during the outage");
        Assert.Equal(0, duringOk);
        Assert.Equal(during.Count, during503);
        Assert.True(readyDown.Count > 10 && readyDown.All(p => p.Status == 503), $"ready while down: {string.Join(", ", readyDown.Select(p => p.Status))}");
        Assert.True(readyAfter.Count > 0 && readyAfter.All(p => p.Status == 200), $"ready after: {string.Join(", ", readyAfter.Select(p => p.Status))}");
        Assert.True(healthy.All(p => p.Status == 200), $"healthy answered {string.Join(", ", healthy.Where(p => p.Status != 200).Select(p => p.Status).Distinct())}");
        Assert.True(healthyMax < 1000, $"/-/healthy took {healthyMax:0} ms at worst");
        Assert.True(ingestionResumed <= 5, $"ingestion resumed {ingestionResumed:0.0} s after PostgreSQL's return");
        Assert.True(dispatchResumed <= 5, $"dispatch resumed {dispatchResumed:0.0} s after PostgreSQL's return");
        Assert.True(caughtUp <= 5, $"what was due by the return was told {caughtUp:0.0} s after it");
        Assert.Empty(accepted.Except(storedAlerts.Keys));
        Assert.Empty(untoldAlerts);
        Assert.Empty(groupsBehind);
        Assert.Empty(unexplained);
    }

    // A thread of its own (LongRunning) making blocking calls: the time measured is the service's and loopback's, not the
    // wait for this test host's thread pool, which the other tests keep busy.
    internal static Task ProbeAsync(Uri baseAddress, string path, TimeSpan every, ConcurrentQueue<Probe> probes, CancellationToken ct) =>
        Task.Factory.StartNew(() => ProbeLoop(baseAddress, path, every, probes, ct), CancellationToken.None,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private static void ProbeLoop(Uri baseAddress, string path, TimeSpan every, ConcurrentQueue<Probe> probes, CancellationToken ct)
    {
        // Its own client, one request at a time, so its kept-alive connection is never busy with something else. (A fresh
        // connection per probe measured loopback TCP instead: a SYN lost to TIME_WAIT reuse costs a 1 s retransmit.)
        using var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(5) };
        while (!ct.IsCancellationRequested)
        {
            var started = Stopwatch.GetTimestamp();
            var at = DateTime.UtcNow;
            int status;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, path);
                using var response = client.Send(request, CancellationToken.None);
                status = (int)response.StatusCode;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                status = 0;
            }
            probes.Enqueue(new Probe(at, status, Stopwatch.GetElapsedTime(started).TotalMilliseconds));
            ct.WaitHandle.WaitOne(every);
        }
    }

    private static async Task SampleThreadsAsync(int pid, ConcurrentQueue<int> samples, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("Threads:", StringComparison.Ordinal));
            if (line is not null)
            {
                samples.Enqueue(int.Parse(line["Threads:".Length..].Trim(), CultureInfo.InvariantCulture));
            }
            try
            {
                await Task.Delay(500, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
