using System.Net;
using Alerting.Infrastructure;

namespace Alerting.Delivery;

/// <summary>
/// Every attempt at one notification carries the same <c>Idempotency-Key</c>; the next notification gets another.
/// (After a kill -9 the resend is the same attempt again: see the crash-loop fault test.)
/// </summary>
public sealed class IdempotencyKeyTests
{
    [Fact]
    public async Task A_retry_repeats_the_key_and_a_new_notification_has_its_own()
    {
        await using var receiver = await FaultyReceiver.StartAsync();
        var answered = 0;
        // The first request fails, so the first notification is sent twice.
        receiver.Decide = (_, _) => Interlocked.Increment(ref answered) == 1 ? new Answer(500) : Answer.Ok;
        await using var host = await AlertingTestHost.StartAsync(Config(receiver, repeat: "1h"));

        Assert.Equal(HttpStatusCode.OK, (await host.PostJsonAsync("api/v2/alerts", """[{"labels":{"alertname":"Key","n":"1"}}]""")).StatusCode);
        await WaitAsync(() => receiver.Delivered("/hook").Count == 1);
        Assert.Equal(HttpStatusCode.OK, (await host.PostJsonAsync("api/v2/alerts", """[{"labels":{"alertname":"Key","n":"2"}}]""")).StatusCode);
        await WaitAsync(() => receiver.Delivered("/hook").Count == 2);

        var arrivals = receiver.Arrivals;
        Assert.Equal([500, 200, 200], arrivals.Select(a => a.Status));
        Assert.All(arrivals, a => Assert.Matches("^[0-9a-f]{32}$", a.IdempotencyKey));
        Assert.Equal(arrivals[0].IdempotencyKey, arrivals[1].IdempotencyKey);
        Assert.NotEqual(arrivals[1].IdempotencyKey, arrivals[2].IdempotencyKey);
    }

    [Fact]
    public async Task A_repeat_after_repeat_interval_is_a_new_notification_with_a_new_key()
    {
        await using var receiver = await FaultyReceiver.StartAsync();
        await using var host = await AlertingTestHost.StartAsync(Config(receiver, repeat: "2s"));

        Assert.Equal(HttpStatusCode.OK, (await host.PostJsonAsync("api/v2/alerts", """[{"labels":{"alertname":"Again"}}]""")).StatusCode);
        await WaitAsync(() => receiver.Delivered("/hook").Count >= 2);

        var (first, repeat) = (receiver.Delivered("/hook")[0], receiver.Delivered("/hook")[1]);
        Assert.Equal(first.Identity, repeat.Identity);
        Assert.NotEqual(first.IdempotencyKey, repeat.IdempotencyKey);
    }

    private static string Config(FaultyReceiver receiver, string repeat) =>
        TestConfig.Webhook(receiver.Url("/hook"), repeat: repeat, resolveTimeout: null);

    private static async Task WaitAsync(Func<bool> condition)
    {
        var deadline = Deadline.In(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            Assert.True(!deadline.Passed, "timed out waiting for the receiver");
            await Task.Delay(50);
        }
    }
}
