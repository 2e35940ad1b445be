using System.Net;
using Alerting.Infrastructure;

namespace Alerting.Ingestion;

/// <summary>
/// A group that an alert makes due at once (group_wait 0) is claimed and flushed in the transaction that stores the
/// alert: by the time the POST is answered its notification is decided and committed, and it is sent once.
/// </summary>
public sealed class InlineFlushTests
{
    [Fact]
    public async Task A_group_due_at_once_is_flushed_in_the_commit_that_stores_its_alert()
    {
        await using var receiver = await FaultyReceiver.StartAsync();
        await using var host = await AlertingTestHost.StartAsync(Config(receiver));

        Assert.Equal(HttpStatusCode.OK, (await host.PostJsonAsync("api/v2/alerts", """[{"labels":{"alertname":"Now","wait":"none"}}]""")).StatusCode);
        // No dispatcher pass is needed: the flush was committed before the answer.
        Assert.True(await host.ScalarAsync<bool>("SELECT flushed_once FROM aggregation_groups WHERE group_key LIKE '%Now%'"));

        var deadline = Deadline.In(TimeSpan.FromSeconds(30));
        while (receiver.Delivered("/hook").Count == 0)
        {
            Assert.True(!deadline.Passed, "timed out waiting for the receiver");
            await Task.Delay(50);
        }
        await Task.Delay(1500);
        Assert.Single(receiver.Delivered("/hook"));
    }

    [Fact]
    public async Task A_group_that_waits_is_left_for_its_time()
    {
        await using var receiver = await FaultyReceiver.StartAsync();
        await using var host = await AlertingTestHost.StartAsync(Config(receiver));

        Assert.Equal(HttpStatusCode.OK, (await host.PostJsonAsync("api/v2/alerts", """[{"labels":{"alertname":"Later","wait":"long"}}]""")).StatusCode);
        Assert.False(await host.ScalarAsync<bool>("SELECT flushed_once FROM aggregation_groups WHERE group_key LIKE '%Later%'"));
        Assert.Equal(0L, await host.CountAsync("outbox"));
    }

    private static string Config(FaultyReceiver receiver) =>
        TestConfig.Webhook(receiver.Url("/hook"), groupInterval: "1m", repeat: null, resolveTimeout: null, routes: """
                - matchers: [wait="long"]
                  group_wait: 1h
            """);
}
