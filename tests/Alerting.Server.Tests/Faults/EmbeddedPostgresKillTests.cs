using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Alerting.Infrastructure;
using Alerting.Persistence.Embedded;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;
using static Alerting.Faults.PostgresOutageTests;

namespace Alerting.Faults;

/// <summary>
/// Issue 19, item 1: the service in its default mode (its own embedded PostgreSQL) while the OOM killer takes the
/// postmaster. The service starts it again on the same data directory and port within 5 s, and loses and repeats
/// nothing; when it cannot, /-/healthy fails so that an orchestrator restarts the process.
/// </summary>
[Collection(FaultsCollection.Name)]
public sealed class EmbeddedPostgresKillTests(ITestOutputHelper output)
{
    private const int Kills = 3;

    private static readonly string[] PostgresLogNotes =
        ["starting PostgreSQL", "was interrupted", "redo starts", "redo done", "checkpoint starting", "checkpoint complete", "ready to accept", "terminated by signal", "shutting down"];

    private static string Config(FaultyReceiver receiver) =>
        TestConfig.Webhook(receiver.Url("/hook"), groupBy: "[grp]", groupWait: "1s", groupInterval: "2s");

    [Fact]
    public async Task Three_kill_9s_of_the_embedded_postmaster_under_load_are_restarted_within_5_s_losing_and_repeating_nothing()
    {
        var clock = Stopwatch.StartNew();
        void Log(string line) => output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{clock.Elapsed.TotalSeconds,6:0.00}s] {line}"));

        await using var receiver = await FaultyReceiver.StartAsync();
        // Sends take 300 ms, so a kill lands while one is at the receiver.
        receiver.Set("/hook", new Answer(200, TimeSpan.FromMilliseconds(300)));
        using var dir = new TempDirectory("alerting-pgkill-");
        var storage = Path.Combine(dir.Path, "data");
        var configPath = Path.Combine(dir.Path, "alerting.yml");
        await File.WriteAllTextAsync(configPath, Config(receiver));
        try
        {
            await using var child = await ChildProcessAlerting.StartEmbeddedAsync(configPath, storage, TimeSpan.FromSeconds(120));
            var first = EmbeddedCluster.Read(storage);
            Log($"alerting pid {child.ProcessId}, its PostgreSQL pid {first.Pid} on port {first.Port}");

            // Each kill opens new groups ("k1g*" from the first kill on), so a group whose send the kill cut off keeps its alert set.
            var phase = new System.Runtime.CompilerServices.StrongBox<int>(0);
            await using var load = new AlertLoad(
                _ => child.Client.BaseAddress,
                n => [.. Enumerable.Range(0, 5).Select(k => ($"E{n}x{k}", $"k{phase.Value}g{n % 3}"))],
                workers: 2,
                pace: TimeSpan.FromMilliseconds(50));
            using var stopProbes = new CancellationTokenSource();
            var healthy = new ConcurrentQueue<Probe>();
            var ready = new ConcurrentQueue<Probe>();
            var probes = Task.WhenAll(
                ProbeAsync(child.Client.BaseAddress!, "-/healthy", TimeSpan.FromMilliseconds(100), healthy, stopProbes.Token),
                ProbeAsync(child.Client.BaseAddress!, "-/ready", TimeSpan.FromMilliseconds(250), ready, stopProbes.Token));
            load.Start();

            var kills = new List<(DateTime At, EmbeddedCluster Killed, EmbeddedCluster Next, int Failed, double Back)>();
            for (var i = 0; i < Kills; i++)
            {
                await Task.Delay(TimeSpan.FromSeconds(5));
                var atReceiver = Deadline.In(TimeSpan.FromSeconds(5));
                while (receiver.InProgress == 0 && !atReceiver.Passed)
                {
                    await Task.Delay(5);
                }
                var killed = EmbeddedCluster.Read(storage);
                killed.KillPostmaster();
                var killedAt = DateTime.UtcNow;
                phase.Value = i + 1;
                var sendsUnderWay = receiver.InProgress;

                var back = (Failed: 0, Seconds: double.NaN);
                var waitBack = Deadline.In(TimeSpan.FromSeconds(20));
                while (!waitBack.Passed && (back.Failed == 0 || double.IsNaN(back.Seconds)))
                {
                    await Task.Delay(50);
                    back = BackAfter(load.Posts, killedAt, DateTime.MaxValue);
                }
                // A second more, in which a failure would show that ingestion had not come back for good.
                await Task.Delay(TimeSpan.FromSeconds(1));
                back = BackAfter(load.Posts, killedAt, DateTime.UtcNow);
                var next = await EmbeddedCluster.ReadWhenWrittenAsync(storage, TimeSpan.FromSeconds(10));
                kills.Add((killedAt, killed, next, back.Failed, back.Seconds));
                Log($"kill {i + 1} at {killedAt:HH:mm:ss.fff}: postmaster pid {killed.Pid} killed with {sendsUnderWay} sends at the receiver; {back.Failed} POSTs failed, "
                    + $"ingestion answered 2xx again {back.Seconds:0.00} s after the kill; new postmaster pid {next.Pid} on port {next.Port}");
            }

            await Task.Delay(TimeSpan.FromSeconds(5));
            await load.StopAsync();
            var db = EmbeddedCluster.Read(storage).ConnectionString;
            Log($"load stopped; {load.Accepted.Count} accepted; waiting until quiet");
            var quietBy = Deadline.In(TimeSpan.FromSeconds(60));
            while (true)
            {
                var stored = await Ledger.StoredAsync(db);
                var (behind, untold) = Ledger.Missing(stored, receiver.Delivered(), "/hook");
                var outbox = await Ledger.CountAsync(db, "SELECT count(*) FROM outbox");
                if (behind.Count == 0 && untold.Count == 0 && outbox == 0)
                {
                    break;
                }
                Assert.False(quietBy.Passed, $"not quiet within 60 s of the load's end: {behind.Count} groups behind, {untold.Count} alerts untold, outbox {outbox}\n{child.Output}");
                await Task.Delay(250);
            }
            // Longer than group_interval: another flush of every group must send nothing more.
            var arrivals = receiver.Arrivals.Count;
            await Task.Delay(TimeSpan.FromSeconds(3));
            Assert.Equal(arrivals, receiver.Arrivals.Count);
            await stopProbes.CancelAsync();
            await probes;

            var metrics = await child.Client.GetStringAsync("metrics");
            var accepted = load.Accepted;
            var storedAlerts = await Ledger.StoredAsync(db);
            var delivered = receiver.Delivered("/hook");
            var (_, repeated) = Ledger.Duplicates(delivered, []);
            var (groupsBehind, untoldAlerts) = Ledger.Missing(storedAlerts, delivered, "/hook");
            var groups = storedAlerts.Values.Distinct(StringComparer.Ordinal).Count();
            var readyDown = ready.Count(p => p.Status != 200);
            Log($"embedded-postgres-kill: {Kills} kill -9s of the postmaster, {accepted.Count} accepted, {accepted.Count(storedAlerts.ContainsKey)} stored, "
                + $"ingestion answered 2xx again {string.Join(", ", kills.Select(k => k.Back.ToString("0.00", CultureInfo.InvariantCulture)))} s after each kill "
                + $"({string.Join(", ", kills.Select(k => k.Failed))} POSTs failed meanwhile), {groups} due, {groups - groupsBehind.Count} delivered, "
                + $"{repeated.Count} duplicates; restarts counted {Metric(metrics, "alerting_embedded_postgres_restarts_total")}, "
                + $"failed {Metric(metrics, "alerting_embedded_postgres_restart_failures_total")}; same port {kills.All(k => k.Next.Port == first.Port)}; "
                + $"/-/ready {readyDown}/{ready.Count} not 200, /-/healthy {healthy.Count(p => p.Status == 200)}/{healthy.Count} 200; took {clock.Elapsed.TotalSeconds:0} s");
            foreach (var line in repeated)
            {
                Log($"  repeated: {line}");
            }
            // PostgreSQL's own account of each restart: crash recovery, and when it took connections again.
            foreach (var line in File.ReadLines(Path.Combine(storage, "postgres.log")).Where(l => PostgresLogNotes.Any(n => l.Contains(n, StringComparison.Ordinal))))
            {
                Log($"  postgres.log: {line}");
            }

            Assert.False(child.HasExited, $"alerting exited:\n{child.Output}");
            Assert.All(kills.Select(k => k.Back), back => Assert.True(back <= 5, $"ingestion answered 2xx again {back:0.00} s after a kill\n{child.Output}"));
            Assert.All(kills.Select(k => k.Failed), failed => Assert.True(failed > 0, "a kill went unnoticed: no POST failed"));
            Assert.All(kills.Select(k => k.Next.Port), port => Assert.Equal(first.Port, port));
            Assert.Equal(Kills, kills.Select(k => k.Next.Pid).Append(first.Pid).Distinct().Count() - 1);
            Assert.Equal("3", Metric(metrics, "alerting_embedded_postgres_restarts_total"));
            Assert.Equal("1", Metric(metrics, "alerting_embedded_postgres_up"));
            Assert.True(healthy.All(p => p.Status == 200), $"healthy answered {string.Join(", ", healthy.Where(p => p.Status != 200).Select(p => p.Status).Distinct())}");
            Assert.True(accepted.Count > 500, $"only {accepted.Count} alerts accepted: the load did not run");
            Assert.Empty(accepted.Except(storedAlerts.Keys));
            Assert.Empty(untoldAlerts);
            Assert.Empty(groupsBehind);
            Assert.Empty(repeated);

            // Shut down as usual: the restarted server is stopped with the process.
            var (exitCode, _) = await child.TerminateAsync(TimeSpan.FromSeconds(40));
            Assert.Equal(0, exitCode);
            Assert.False(File.Exists(Path.Combine(storage, "postgres", "postmaster.pid")), "the restarted PostgreSQL was left running");
        }
        finally
        {
            await EmbeddedPostgres.StopLeftoverAsync(storage, NullLogger.Instance, CancellationToken.None);
        }
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task When_restarts_keep_failing_healthy_answers_503_until_one_works()
    {
        var clock = Stopwatch.StartNew();
        void Log(string line) => output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{clock.Elapsed.TotalSeconds,6:0.00}s] {line}"));
        using var dir = new TempDirectory("alerting-pgfail-");
        var storage = Path.Combine(dir.Path, "data");
        var configPath = Path.Combine(dir.Path, "alerting.yml");
        await File.WriteAllTextAsync(configPath, TestConfig.Webhook("http://127.0.0.1:9/hook"));
        try
        {
            await using var child = await ChildProcessAlerting.StartEmbeddedAsync(
                configPath, storage, TimeSpan.FromSeconds(120), ["--storage.embedded-restart-attempts=2"]);
            var cluster = EmbeddedCluster.Read(storage);
            var dataDirectory = Path.Combine(storage, "postgres");
            cluster.KillPostmaster();
            var killed = Stopwatch.StartNew();
            // The data directory locked away before the supervisor gets to it (it looks every 250 ms): every restart fails.
            File.SetUnixFileMode(dataDirectory, UnixFileMode.None);
            await WaitForStatusAsync(child.Client, "-/healthy", HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(30));
            var unhealthyAfter = killed.Elapsed;
            string unhealthyBody;
            using (var response = await child.Client.GetAsync("-/healthy"))
            {
                unhealthyBody = await response.Content.ReadAsStringAsync();
            }
            var down = await child.Client.GetStringAsync("metrics");
            Log($"postmaster pid {cluster.Pid} killed, its data directory locked away; /-/healthy 503 after {unhealthyAfter.TotalSeconds:0.0} s: {unhealthyBody}");

            File.SetUnixFileMode(dataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var released = Stopwatch.StartNew();
            await WaitForStatusAsync(child.Client, "-/healthy", HttpStatusCode.OK, TimeSpan.FromSeconds(45));
            await WaitForStatusAsync(child.Client, "-/ready", HttpStatusCode.OK, TimeSpan.FromSeconds(10));
            var back = released.Elapsed;
            var up = await child.Client.GetStringAsync("metrics");
            var again = EmbeddedCluster.Read(storage);
            Log($"embedded-postgres-restart-failures: with --storage.embedded-restart-attempts=2, /-/healthy answered 503 {unhealthyAfter.TotalSeconds:0.0} s after the kill "
                + $"({Metric(down, "alerting_embedded_postgres_restart_failures_total")} failed restarts, up {Metric(down, "alerting_embedded_postgres_up")}); "
                + $"the directory back, /-/healthy and /-/ready 200 again {back.TotalSeconds:0.0} s later (restarts {Metric(up, "alerting_embedded_postgres_restarts_total")}, "
                + $"failed {Metric(up, "alerting_embedded_postgres_restart_failures_total")}; postmaster pid {again.Pid} on port {again.Port})");

            Assert.StartsWith("unhealthy: the embedded PostgreSQL exited", unhealthyBody, StringComparison.Ordinal);
            Assert.True(int.Parse(Metric(down, "alerting_embedded_postgres_restart_failures_total"), CultureInfo.InvariantCulture) >= 2, down);
            Assert.Equal("0", Metric(down, "alerting_embedded_postgres_up"));
            Assert.Equal("0", Metric(down, "alerting_embedded_postgres_restarts_total"));
            Assert.Equal("1", Metric(up, "alerting_embedded_postgres_restarts_total"));
            Assert.Equal("1", Metric(up, "alerting_embedded_postgres_up"));
            Assert.Equal(cluster.Port, again.Port);
            Assert.NotEqual(cluster.Pid, again.Pid);
            Assert.False(child.HasExited, child.Output);
            var (exitCode, _) = await child.TerminateAsync(TimeSpan.FromSeconds(40));
            Assert.Equal(0, exitCode);
        }
        finally
        {
            await EmbeddedPostgres.StopLeftoverAsync(storage, NullLogger.Instance, CancellationToken.None);
        }
    }

    private static async Task WaitForStatusAsync(HttpClient client, string path, HttpStatusCode status, TimeSpan timeout)
    {
        var deadline = Deadline.In(timeout);
        var last = (HttpStatusCode)0;
        while (!deadline.Passed)
        {
            using (var response = await client.GetAsync(path))
            {
                last = response.StatusCode;
            }
            if (last == status)
            {
                return;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"{path} answered {(int)last}, not {(int)status}, for {timeout.TotalSeconds:0} s");
    }

    /// <summary>
    /// POSTs that failed after the kill, and when ingestion answered 2xx again: the answer to the first accepted POST
    /// sent after the last failed one (NaN while there is none).
    /// </summary>
    private static (int Failed, double Seconds) BackAfter(IReadOnlyList<Post> posts, DateTime killedAt, DateTime until)
    {
        var after = posts.Where(p => p.SentAt >= killedAt && p.SentAt < until).ToList();
        var failed = after.Where(p => !p.Accepted).ToList();
        var lastFailure = failed.Count == 0 ? killedAt : failed.Max(p => p.SentAt);
        var back = after.Where(p => p.Accepted && p.SentAt >= lastFailure).MinBy(p => p.AnsweredAt);
        return (failed.Count, back is null ? double.NaN : (back.AnsweredAt - killedAt).TotalSeconds);
    }

    /// <summary>The value of an unlabelled metric in a Prometheus exposition.</summary>
    internal static string Metric(string exposition, string name) =>
        exposition.Split('\n').FirstOrDefault(l => l.StartsWith(name + " ", StringComparison.Ordinal)) is { } line
            ? line[(name.Length + 1)..].Trim()
            : "absent";
}
