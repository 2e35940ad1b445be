using Alerting.Channels;
using Alerting.Channels.Email;
using Microsoft.Extensions.Time.Testing;
using static Alerting.Channels.Email.EmailTestData;

namespace Alerting.Delivery;

/// <summary>The circuit breaker of each destination's Polly pipeline, on a fake clock.</summary>
public sealed class DestinationPipelinesTests
{
    private readonly FakeTimeProvider time = new(Now);

    private DestinationPipelines Pipelines(int threshold = 3) => new(time, new DestinationPipelines.BreakerSettings(threshold, TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(10)));

    private static SendResult Down(string error) => new(SendOutcome.Retryable, null, error, TimeSpan.Zero);

    private static SendResult Ok() => new(SendOutcome.Success, 200, null, TimeSpan.Zero);

    /// <summary>Answers with the scripted results in turn; a result may wait for the test to release it.</summary>
    private sealed class ScriptedNotifier(params Func<Task<SendResult>>[] script) : INotifier
    {
        private int _next;

        public int Calls => _next;

        public string Integration => "webhook";

        public bool SendResolved => true;

        public Task<SendResult> SendAsync(NotificationRequest request, CancellationToken ct) => script[Interlocked.Increment(ref _next) - 1]();
    }

    private static Func<Task<SendResult>> Returns(SendResult result) => () => Task.FromResult(result);

    [Fact]
    public async Task Stays_closed_below_the_threshold_and_a_success_resets_the_count()
    {
        var pipelines = Pipelines();
        var notifier = new ScriptedNotifier(Returns(Down("e1")), Returns(Down("e2")), Returns(Ok()), Returns(Down("e3")), Returns(Down("e4")), Returns(Ok()));
        for (var i = 0; i < 5; i++)
        {
            await pipelines.SendAsync(notifier, "a:25", Request(), CancellationToken.None);
        }

        var last = await pipelines.SendAsync(notifier, "a:25", Request(), CancellationToken.None);
        Assert.Equal(SendOutcome.Success, last.Outcome);
        Assert.Equal(6, notifier.Calls);
    }

    [Fact]
    public async Task Opens_at_the_threshold_per_destination_and_reports_the_last_error()
    {
        var pipelines = Pipelines();
        var notifier = new ScriptedNotifier(Returns(Down("e0")), Returns(Down("e1")), Returns(Down("e2")), Returns(Ok()));
        for (var i = 0; i < 3; i++)
        {
            await pipelines.SendAsync(notifier, "a:25", Request(), CancellationToken.None);
        }

        var open = await pipelines.SendAsync(notifier, "a:25", Request(), CancellationToken.None);
        Assert.Equal((SendOutcome.Retryable, TimeSpan.FromSeconds(30)), (open.Outcome, open.RetryAfter));
        Assert.Equal("circuit open after 3 connection failures in a row, last: e2", open.Error);
        time.Advance(TimeSpan.FromSeconds(25));
        Assert.Equal(TimeSpan.FromSeconds(5), (await pipelines.SendAsync(notifier, "A:25", Request(), CancellationToken.None)).RetryAfter);
        Assert.Equal(3, notifier.Calls);
        Assert.Equal(SendOutcome.Success, (await pipelines.SendAsync(notifier, "b:25", Request(), CancellationToken.None)).Outcome);
    }

    [Fact]
    public async Task After_the_open_time_one_probe_goes_through_and_its_outcome_decides()
    {
        var pipelines = Pipelines();
        var probe = new TaskCompletionSource<SendResult>();
        var notifier = new ScriptedNotifier(Returns(Down("down")), Returns(Down("down")), Returns(Down("down")), () => probe.Task, Returns(Ok()), Returns(Ok()), Returns(Ok()));
        for (var i = 0; i < 3; i++)
        {
            await pipelines.SendAsync(notifier, "a:25", Request(), CancellationToken.None);
        }
        time.Advance(TimeSpan.FromSeconds(30));

        var probing = pipelines.SendAsync(notifier, "a:25", Request(), CancellationToken.None); // the probe
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(SendOutcome.Retryable, (await pipelines.SendAsync(notifier, "a:25", Request(), CancellationToken.None)).Outcome); // everyone else waits
        Assert.Equal(4, notifier.Calls);
        time.Advance(TimeSpan.FromSeconds(1));
        probe.SetResult(Down("still down"));
        await probing;
        var reopened = await pipelines.SendAsync(notifier, "a:25", Request(), CancellationToken.None);
        Assert.Equal((TimeSpan.FromSeconds(30), "circuit open after 3 connection failures in a row, last: still down"), (reopened.RetryAfter, reopened.Error));

        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(SendOutcome.Success, (await pipelines.SendAsync(notifier, "a:25", Request(), CancellationToken.None)).Outcome);
        Assert.Equal(SendOutcome.Success, (await pipelines.SendAsync(notifier, "a:25", Request(), CancellationToken.None)).Outcome);
        Assert.Equal(SendOutcome.Success, (await pipelines.SendAsync(notifier, "a:25", Request(), CancellationToken.None)).Outcome);
        Assert.Equal(7, notifier.Calls);
    }

    [Fact]
    public async Task The_circuit_opens_after_consecutive_connection_failures_and_a_probe_closes_it()
    {
        await using var server = await new SmtpTestServer().StartAsync();
        await using var proxy = RawTcpServer.DroppingProxy(server.Port, drop: 2);
        var notifier = new EmailNotifier(Config(proxy.Smarthost), EmailRenderer.Default, time);
        var pipelines = Pipelines(threshold: 2);

        var failures = new[]
        {
            await pipelines.SendAsync(notifier, proxy.Smarthost, Request(), CancellationToken.None),
            await pipelines.SendAsync(notifier, proxy.Smarthost, Request(), CancellationToken.None),
        };
        var open = await pipelines.SendAsync(notifier, proxy.Smarthost, Request(), CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(10));
        var stillOpen = await pipelines.SendAsync(notifier, proxy.Smarthost, Request(), CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(21));
        var probe = await pipelines.SendAsync(notifier, proxy.Smarthost, Request(), CancellationToken.None);

        Assert.All(failures, f => Assert.Equal(SendOutcome.Retryable, f.Outcome));
        Assert.Equal(SendOutcome.Retryable, open.Outcome);
        Assert.StartsWith($"circuit open after 2 connection failures in a row, last: smtp {proxy.Smarthost}: connect: ", open.Error, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(30), open.RetryAfter);
        Assert.Equal(TimeSpan.FromSeconds(20), stillOpen.RetryAfter);
        Assert.True(probe.Outcome == SendOutcome.Success, $"{probe.Outcome}: {probe.Error}");
        Assert.Equal(3, proxy.Connections); // the rejected attempts never connected
    }
}
