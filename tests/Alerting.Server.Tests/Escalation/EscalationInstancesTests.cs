namespace Alerting.Escalation;

/// <summary>The chain across instances of one database: a restart mid-chain, and two instances racing for each step.</summary>
public sealed class EscalationInstancesTests
{
    private static TimeSpan Minutes(double m) => TimeSpan.FromMinutes(m);

    [Fact]
    public async Task A_new_host_on_the_same_database_carries_on_the_chain()
    {
        await using var t = await EscalationTimeline.StartAsync();
        await t.AtAsync(Minutes(12));
        await t.ExpectAsync(chat: 1, phone: 1, lead: 0);
        await t.StopHostAsync(t.Host);

        await t.StartHostAsync();
        await t.AtAsync(Minutes(29.5));
        await t.ExpectAsync(chat: 1, phone: 1, lead: 0);
        await t.AtAsync(Minutes(31));
        await t.ExpectAsync(chat: 1, phone: 1, lead: 1);
        Assert.Equal("0:sent 1:sent", await t.StepsAsync());
    }

    [Fact]
    public async Task Two_instances_send_each_step_once()
    {
        await using var t = await EscalationTimeline.StartAsync(instances: 2);
        await t.AtAsync(Minutes(10));
        await t.ExpectAsync(chat: 1, phone: 1, lead: 0);
        await t.AtAsync(Minutes(30));
        await t.ExpectAsync(chat: 1, phone: 1, lead: 1);
        await t.AtAsync(Minutes(45));
        await t.ExpectAsync(chat: 1, phone: 1, lead: 1);
        Assert.Equal(2L, await t.Host.ScalarAsync<long>("SELECT count(*) FROM notification_attempts WHERE receiver IN ('phone', 'lead')"));
    }
}
