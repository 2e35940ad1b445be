using System.Diagnostics;
using System.Globalization;
using Alerting.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Alerting.Faults;

/// <summary>
/// Issue 8, fault 6: the instance's clock steps forward by ten minutes, then back. Groups keep the waits they had
/// left: the step forward does not make them all due at once, the step back does not stall them for ten minutes.
/// The test drives the injected clock; its monotonic time goes on one second at a time.
/// </summary>
[Collection(FaultsCollection.Name)]
public sealed class ClockTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Step = TimeSpan.FromMinutes(10);

    [Fact]
    public async Task A_clock_step_forward_or_back_neither_flushes_every_group_at_once_nor_stalls_them()
    {
        var clock = Stopwatch.StartNew();
        void Log(string line) => output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{clock.Elapsed.TotalSeconds,6:0.00}s] {line}"));

        var fake = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var stepping = new SteppingClock(fake);
        await using var receiver = await FaultyReceiver.StartAsync();
        await using var host = await AlertingTestHost.StartAsync($$"""
            global:
              resolve_timeout: 1h
            route:
              receiver: hook
              group_by: [alertname]
              group_wait: 30s
              group_interval: 1m
              repeat_interval: 4h
            receivers:
              - name: hook
                webhook_configs:
                  - url: {{receiver.Url("/hook")}}
            """, time: fake, clock: stepping);
        var seconds = 0;

        // One second of monotonic time at a time; never while a send is at the receiver (its timeout runs on this clock).
        async Task AdvanceAsync(int count)
        {
            for (var i = 0; i < count; i++)
            {
                for (var wait = 0; receiver.InProgress > 0 && wait < 100; wait++)
                {
                    await Task.Delay(10);
                }
                fake.Advance(TimeSpan.FromSeconds(1));
                seconds++;
                // Real time for the dispatcher's pass: it must keep up with this clock to flush on time.
                await Task.Delay(100);
            }
        }

        async Task<int> SettledAsync(int expected)
        {
            for (var i = 0; i < 40 && receiver.Delivered().Count != expected; i++)
            {
                await Task.Delay(50);
            }
            await Task.Delay(300);
            return receiver.Delivered().Count;
        }

        // Ten groups, each due 30 s after its alert: at 30, 35, ... 75 s.
        for (var i = 0; i < 10; i++)
        {
            using var response = await host.PostJsonAsync("api/v2/alerts", $$$"""[{"labels":{"alertname":"Clock{{{i}}}"}}]""");
            Assert.True(response.IsSuccessStatusCode);
            await AdvanceAsync(5);
        }
        await AdvanceAsync(2);
        var beforeForward = await SettledAsync(5);
        Log($"t={seconds} s: {beforeForward} of 10 groups told (due at 30..50 s so far)");

        stepping.Offset = Step;
        await AdvanceAsync(2);
        var atForward = await SettledAsync(5);
        await AdvanceAsync(8);
        var tenLater = await SettledAsync(7);
        await AdvanceAsync(16);
        var allForward = await SettledAsync(10);
        Log($"clock stepped forward {Step.TotalMinutes:0} min at t=52 s: {atForward - beforeForward} more groups told in the next 2 s, "
            + $"{tenLater} by t=62 s (due 55, 60 s), {allForward} by t={seconds} s");

        // Back by ten minutes; a new alert joins the first group, whose next flush is a group_interval after its last.
        stepping.Offset = TimeSpan.Zero;
        using (var response = await host.PostJsonAsync("api/v2/alerts", """[{"labels":{"alertname":"Clock0","instance":"b"}}]"""))
        {
            Assert.True(response.IsSuccessStatusCode);
        }
        var posted = seconds;
        var toldAgainAt = -1;
        for (var i = 0; i < 70 && toldAgainAt < 0; i++)
        {
            await AdvanceAsync(1);
            if (receiver.Delivered().Any(a => a.Alerts.Count == 2))
            {
                toldAgainAt = seconds;
            }
        }
        await SettledAsync(11);
        var delivered = receiver.Delivered();
        var (_, repeated) = Ledger.Duplicates(delivered, []);
        Log($"clock: stepped +{Step.TotalMinutes:0} min: {atForward - beforeForward} groups flushed at the step, the other {allForward - atForward} at their own times; "
            + $"stepped -{Step.TotalMinutes:0} min: the first group told of its new alert at t={toldAgainAt} s (posted at t={posted} s, its flush due at t=90 s); "
            + $"{delivered.Count} notifications, {repeated.Count} duplicates");

        Assert.Equal(5, beforeForward);
        Assert.Equal(beforeForward, atForward);
        Assert.Equal(7, tenLater);
        Assert.Equal(10, allForward);
        // The first group flushed at 30 s, so next at 90 s: on time, not ten minutes late.
        Assert.InRange(toldAgainAt, 90, 92);
        Assert.Equal(11, delivered.Count);
        Assert.Empty(repeated);
    }
}
