using System.Diagnostics;
using System.Globalization;
using Alerting.Infrastructure;
using Xunit.Abstractions;

namespace Alerting.Faults;

/// <summary>
/// Issue 8, fault 4: one receiver answers 500 for five group intervals (5 minutes at group_interval 1m, compressed
/// to 2 s intervals here), one hangs past its timeout, one answers slowly. The healthy receiver is not delayed;
/// the failing ones get everything once they recover; nobody gets anything twice.
/// </summary>
[Collection(FaultsCollection.Name)]
public sealed class ReceiverFaultTests(ITestOutputHelper output)
{
    private const int Alerts = 120;

    [Fact]
    public async Task A_failing_a_hanging_and_a_slow_receiver_do_not_delay_the_others_and_get_everything_once()
    {
        var clock = Stopwatch.StartNew();
        void Log(string line) => output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{clock.Elapsed.TotalSeconds,6:0.00}s] {line}"));

        await using var receiver = await FaultyReceiver.StartAsync();
        receiver.Set("/failing", new Answer(500));
        receiver.Set("/hanging", new Answer(Hang: true));
        receiver.Set("/slow", new Answer(200, TimeSpan.FromSeconds(1.5)));
        // Every alert is its own group and goes to all four receivers. (Each route has its own matchers: sibling
        // routes with identical matchers would share group keys.)
        await using var host = await AlertingTestHost.StartAsync($$"""
            route:
              receiver: ok
              group_by: [alertname]
              group_wait: 0s
              group_interval: 2s
              repeat_interval: 1h
              routes:
                - receiver: failing
                  matchers: ['alertname=~"Recv.*"']
                  continue: true
                - receiver: hanging
                  matchers: ['alertname=~"Rec.*"']
                  continue: true
                - receiver: slow
                  matchers: ['alertname=~"Re.*"']
                  continue: true
                - receiver: ok
                  matchers: ['alertname=~"R.*"']
            receivers:
              - name: ok
                webhook_configs:
                  - url: {{receiver.Url("/ok")}}
              - name: failing
                webhook_configs:
                  - url: {{receiver.Url("/failing")}}
              - name: hanging
                webhook_configs:
                  - url: {{receiver.Url("/hanging")}}
                    timeout: 1s
              - name: slow
                webhook_configs:
                  - url: {{receiver.Url("/slow")}}
                    timeout: 5s
            """);

        // 120 alerts over 6 s, while the failing and hanging receivers are down.
        var accepted = new Dictionary<string, DateTime>(StringComparer.Ordinal);
        var faultsFrom = DateTime.UtcNow;
        for (var i = 0; i < Alerts; i++)
        {
            var name = $"Recv{i:000}";
            using var response = await host.PostJsonAsync("api/v2/alerts", $$$"""[{"labels":{"alertname":"{{{name}}}"}}]""");
            Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}");
            accepted[name] = DateTime.UtcNow;
            await Task.Delay(50);
        }
        // Down for 10 s in all: five group intervals.
        var left = faultsFrom.AddSeconds(10) - DateTime.UtcNow;
        if (left > TimeSpan.Zero)
        {
            await Task.Delay(left);
        }
        receiver.Set("/failing", Answer.Ok);
        receiver.Set("/hanging", Answer.Ok);
        var recovered = DateTime.UtcNow;
        Log($"posted {Alerts} alerts; failing and hanging receivers recovered");

        var caughtUp = new Dictionary<string, double>(StringComparer.Ordinal);
        while (clock.Elapsed < TimeSpan.FromSeconds(90) && caughtUp.Count < 4)
        {
            foreach (var path in new[] { "/ok", "/failing", "/hanging", "/slow" })
            {
                var told = receiver.Delivered(path).SelectMany(a => a.Alerts).ToHashSet(StringComparer.Ordinal);
                if (!caughtUp.ContainsKey(path) && accepted.Keys.All(told.Contains))
                {
                    caughtUp[path] = (DateTime.UtcNow - recovered).TotalSeconds;
                }
            }
            await Task.Delay(100);
        }
        // Longer than group_interval: nothing more may come.
        await Task.Delay(TimeSpan.FromSeconds(3));

        var arrivals = receiver.Arrivals;
        var okLatency = receiver.Delivered("/ok").Select(a => (a.ArrivedAt - accepted[a.Alerts[0]]).TotalMilliseconds).Order().ToList();
        var (_, repeated) = Ledger.Duplicates(receiver.Delivered(), []);
        string Describe(string path) =>
            $"{path[1..]} {receiver.Delivered(path).Count} delivered of {arrivals.Count(a => a.Path == path)} requests"
            + (caughtUp.TryGetValue(path, out var s) ? string.Create(CultureInfo.InvariantCulture, $", all told {s:0.0} s after the recovery") : ", NOT all told");
        Log($"receiver-faults: {Alerts} alerts, each to 4 receivers; ok receiver latency p50 {Percentile(okLatency, 0.5):0} ms, p99 {Percentile(okLatency, 0.99):0} ms, max {okLatency.LastOrDefault():0} ms; "
            + $"{Describe("/ok")}; {Describe("/failing")}; {Describe("/hanging")} ({arrivals.Count(a => a.Path == "/hanging" && a.Status == 0)} left hanging until the sender's 1 s timeout); "
            + $"{Describe("/slow")}; {repeated.Count} duplicates; at most {receiver.Peak} requests at the receivers at once");
        foreach (var line in repeated)
        {
            Log($"  repeated: {line}");
        }

        Assert.Equal(4, caughtUp.Count);
        Assert.Empty(repeated);
        foreach (var path in new[] { "/ok", "/failing", "/hanging", "/slow" })
        {
            Assert.Equal(Alerts, receiver.Delivered(path).Count);
        }
        Assert.True(arrivals.Count(a => a.Path == "/failing" && a.Status == 500) >= Alerts, "the failing receiver was tried while it failed");
        // Before deferred retries and per-destination limits, its median was 2-4 s here; a busy machine still has spikes.
        Assert.True(Percentile(okLatency, 0.5) < 250 && Percentile(okLatency, 0.95) < 1000,
            $"the healthy receiver waited p50 {Percentile(okLatency, 0.5):0} ms, p95 {Percentile(okLatency, 0.95):0} ms");
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
