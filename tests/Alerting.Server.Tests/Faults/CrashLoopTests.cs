using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Alerting.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace Alerting.Faults;

/// <summary>
/// Issue 8, fault 1: the real binary killed with SIGKILL twenty times at random moments while a load generator
/// posts alerts and a receiver records notifications. Every alert that got a 2xx is stored, every group's
/// notifications end with all its alerts, and a notification is repeated only in the documented window.
/// </summary>
[Collection(FaultsCollection.Name)]
public sealed class CrashLoopTests(ITestOutputHelper output)
{
    private enum Moment
    {
        /// <summary>While a POST of the load is on the wire.</summary>
        Ingestion,

        /// <summary>Within group_wait (1 s) of this cycle's groups being created.</summary>
        GroupWait,

        /// <summary>While the instance holds an outbox row: a send is under way (the receiver answers in 300 ms).</summary>
        Send,

        /// <summary>While it holds a row whose last attempt got a 500: a send waiting to retry, or retrying.</summary>
        Retry,
    }

    private static string Config(FaultyReceiver receiver) =>
        TestConfig.Webhook(receiver.Url("/hook"), groupBy: "[grp]", groupWait: "1s", groupInterval: "2s");

    [Fact]
    public async Task Twenty_kill_9s_under_load_lose_nothing_and_repeat_only_in_the_documented_window()
    {
        const int Cycles = 20;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("ALERTING_CRASH_SEED"), out var s) ? s : 20261127;
        var random = new Random(seed);
        var clock = Stopwatch.StartNew();
        void Log(string line) => output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{clock.Elapsed.TotalSeconds,6:0.00}s] {line}"));

        await using var receiver = await FaultyReceiver.StartAsync();
        // Slow enough that kills land mid-send; one answer in seven a 500, so some sends are always retrying.
        var failures = new Random(seed + 1);
        receiver.Decide = (_, _) =>
        {
            lock (failures)
            {
                return failures.Next(7) == 0 ? new Answer(500, TimeSpan.FromMilliseconds(50)) : new Answer(200, TimeSpan.FromMilliseconds(300));
            }
        };
        var db = await TestDatabase.CreateAsync();
        using var dir = new TempDirectory("alerting-crash-");
        var configPath = Path.Combine(dir.Path, "alerting.yml");
        await File.WriteAllTextAsync(configPath, Config(receiver));

        Moment[] moments = [.. Enumerable.Range(0, Cycles).Select(i => (Moment)(i % 4))];
        random.Shuffle(moments);
        Log($"seed {seed} (ALERTING_CRASH_SEED); moments: {string.Join(", ", moments)}");

        // The load posts 5 new alerts a request into this cycle's 4 groups, to whichever instance is up.
        var target = new StrongBox<Uri?>();
        var cycleNow = new StrongBox<int>();
        await using var load = new AlertLoad(
            _ => target.Value,
            n => [.. Enumerable.Range(0, 5).Select(k => ($"L{n}x{k}", $"c{cycleNow.Value}g{n % 4}"))],
            workers: 2,
            pace: TimeSpan.FromMilliseconds(40));
        load.Start();

        var kills = new List<Kill>();
        var notSeen = 0;
        ChildProcessAlerting? child = null;
        try
        {
            for (var cycle = 0; cycle < Cycles; cycle++)
            {
                cycleNow.Value = cycle;
                var starting = clock.Elapsed;
                child = await ChildProcessAlerting.StartAsync(configPath, db);
                var startedIn = clock.Elapsed - starting;
                target.Value = child.Client.BaseAddress;
                var moment = moments[cycle];
                var (seen, detail) = await WaitForMomentAsync(moment, child, load, db, random);
                notSeen += seen ? 0 : 1;
                await child.Kill9Async();
                var killedAt = DateTime.UtcNow;
                target.Value = null;
                var held = await Ledger.HeldRowsAsync(db, child.InstanceName);
                kills.Add(new Kill(killedAt, child.InstanceName, held));
                Log($"cycle {cycle,2}: started in {startedIn.TotalSeconds:0.0} s, killed pid {child.ProcessId} during {moment} ({detail}); held {held.Count} outbox rows; "
                    + $"{load.Accepted.Count} accepted, {receiver.Delivered().Count} notifications so far");
                await child.DisposeAsync();
                child = null;
            }

            // The last instance takes the load for a moment more, then runs until everything stored is told.
            child = await ChildProcessAlerting.StartAsync(configPath, db);
            target.Value = child.Client.BaseAddress;
            await Task.Delay(1000);
            await load.StopAsync();
            Log($"final instance pid {child.ProcessId}; load stopped; waiting until quiet");
            var quietBy = clock.Elapsed + TimeSpan.FromSeconds(75);
            while (true)
            {
                var stored = await Ledger.StoredAsync(db);
                var (behind, untold) = Ledger.Missing(stored, receiver.Delivered(), "/hook");
                var outbox = await Ledger.CountAsync(db, "SELECT count(*) FROM outbox");
                var leased = await Ledger.CountAsync(db, "SELECT count(*) FROM aggregation_groups WHERE lease_owner IS NOT NULL");
                // Pending: no committed send told it yet (a send the receiver got from a killed instance is resent).
                var pending = await Ledger.CountAsync(db, "SELECT count(*) FROM alerts WHERE state = 'pending'");
                if (behind.Count == 0 && untold.Count == 0 && outbox == 0 && leased == 0 && pending == 0)
                {
                    break;
                }
                Assert.True(clock.Elapsed < quietBy,
                    $"not quiet within 75 s: {behind.Count} groups behind, {untold.Count} alerts untold, outbox {outbox}, leased groups {leased}, pending alerts {pending}\n{child.Output}");
                await Task.Delay(250);
            }
            Log("quiet");
            // Longer than group_interval: another flush of every group must send nothing more.
            var before = receiver.Arrivals.Count;
            await Task.Delay(TimeSpan.FromSeconds(3));
            Assert.Equal(before, receiver.Arrivals.Count);

            var storedAlerts = await Ledger.StoredAsync(db);
            var accepted = load.Accepted;
            var delivered = receiver.Delivered("/hook");
            var groups = storedAlerts.Values.Distinct(StringComparer.Ordinal).Count();
            var (window, unexplained) = Ledger.Duplicates(delivered, kills);
            var despiteKeys = Ledger.DuplicatesDespiteKeys(delivered);
            var (groupsBehind, untoldAlerts) = Ledger.Missing(storedAlerts, delivered, "/hook");
            Log($"crash-loop: {Cycles} cycles, {accepted.Count} accepted, {accepted.Count(storedAlerts.ContainsKey)} stored, {groups} due, "
                + $"{groups - groupsBehind.Count} delivered, {window + unexplained.Count} duplicates "
                + $"({window} in the documented window, {unexplained.Count} other), {despiteKeys} duplicates for a receiver honouring Idempotency-Key "
                + $"({storedAlerts.Count} alerts stored in all, {load.Posts.Count} posts, "
                + $"{delivered.Count} notifications, {receiver.Arrivals.Count(a => a.Status == 500)} answered 500, "
                + $"{kills.Count(k => k.HeldRows.Count > 0)} kills holding {kills.Sum(k => k.HeldRows.Count)} outbox rows, {notSeen} moments not reached; took {clock.Elapsed.TotalSeconds:0} s)");
            foreach (var line in unexplained)
            {
                Log($"  unexplained repeat: {line}");
            }

            Assert.Empty(accepted.Except(storedAlerts.Keys));
            Assert.Empty(untoldAlerts);
            Assert.Empty(groupsBehind);
            Assert.Empty(unexplained);
            // A repeat after a kill is the same notification under the same key, so a receiver can drop it.
            Assert.Equal(0, despiteKeys);
            Assert.All(delivered, a => Assert.Matches("^[0-9a-f]{32}$", a.IdempotencyKey));
            // Posted, never invented: everything stored came from the load.
            Assert.Empty(storedAlerts.Keys.Except(load.Posts.SelectMany(p => p.Names)));
            Assert.True(accepted.Count > 1000, $"only {accepted.Count} alerts accepted: the load did not run");
            Assert.True(notSeen <= Cycles / 4, $"{notSeen} of {Cycles} kill moments were not reached");
        }
        finally
        {
            if (child is not null)
            {
                await child.DisposeAsync();
            }
        }
    }

    /// <summary>Waits until the moment has come (bounded), adding a random delay where that keeps it the same moment.</summary>
    private static async Task<(bool Seen, string Detail)> WaitForMomentAsync(Moment moment, ChildProcessAlerting child, AlertLoad load, string db, Random random)
    {
        var deadline = Deadline.In(TimeSpan.FromSeconds(8));
        switch (moment)
        {
            case Moment.Ingestion:
            {
                var run = random.Next(300, 1500);
                await Task.Delay(run);
                while (load.InFlight == 0 && !deadline.Passed)
                {
                    await Task.Delay(1);
                }
                return (load.InFlight > 0, $"after {run} ms, {load.InFlight} POSTs on the wire");
            }
            case Moment.GroupWait:
            {
                while (!load.Posts.Any(p => p.Accepted && p.Target == child.Client.BaseAddress) && !deadline.Passed)
                {
                    await Task.Delay(5);
                }
                var wait = random.Next(100, 900);
                await Task.Delay(wait);
                return (true, $"{wait} ms after its first 2xx");
            }
            case Moment.Send:
            {
                var seen = await PollAsync(db, "SELECT EXISTS (SELECT 1 FROM outbox WHERE lease_owner LIKE $1)", child.InstanceName, deadline);
                var wait = random.Next(0, 250);
                await Task.Delay(wait);
                return (seen, seen ? $"{wait} ms after it claimed an outbox row" : "no claimed row within 8 s");
            }
            default:
            {
                var seen = await PollAsync(db, """
                    SELECT EXISTS (SELECT 1 FROM outbox o JOIN notification_attempts a ON a.group_key = o.group_key
                                   WHERE o.lease_owner LIKE $1 AND a.outcome = 'retry' AND a.at > now() - interval '2 seconds')
                    """, child.InstanceName, deadline);
                var wait = random.Next(0, 300);
                await Task.Delay(wait);
                return (seen, seen ? $"{wait} ms after it held a row whose last attempt got a 500" : "no retrying row within 8 s");
            }
        }
    }

    private static async Task<bool> PollAsync(string db, string sql, string instanceLike, Deadline deadline)
    {
        await using var conn = new NpgsqlConnection(db);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = instanceLike });
        while (!deadline.Passed)
        {
            if ((bool)(await cmd.ExecuteScalarAsync())!)
            {
                return true;
            }
            await Task.Delay(10);
        }
        return false;
    }
}
