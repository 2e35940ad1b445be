using Microsoft.Extensions.DependencyInjection;

namespace Alerting.Escalation;

/// <summary>
/// The chain on a fake clock against real PostgreSQL and a WireMock webhook: who is told what, when, and once.
/// Route: chat at once; phone after 10 minutes; lead after 30; group_interval 1m, repeat_interval 4h.
/// </summary>
public sealed class EscalationTimelineTests
{
    private static TimeSpan Minutes(double m) => TimeSpan.FromMinutes(m);

    [Fact]
    public async Task Never_acknowledged_every_step_fires_once_at_its_time()
    {
        await using var t = await EscalationTimeline.StartAsync();
        Assert.Equal("0:pending 1:pending", await t.StepsAsync());
        await t.AtAsync(Minutes(9.9));
        await t.ExpectAsync(chat: 1, phone: 0, lead: 0);
        await t.AtAsync(Minutes(10));
        await t.ExpectAsync(chat: 1, phone: 1, lead: 0);
        await t.AtAsync(Minutes(29.9));
        await t.ExpectAsync(chat: 1, phone: 1, lead: 0);
        await t.AtAsync(Minutes(30));
        await t.ExpectAsync(chat: 1, phone: 1, lead: 1);
        await t.AtAsync(Minutes(90));
        await t.ExpectAsync(chat: 1, phone: 1, lead: 1);
        Assert.Equal("0:sent 1:sent", await t.StepsAsync());
        Assert.Equal("firing", (string)t.Sink.Delivered("/lead")[0]["status"]!);
        Assert.Equal(EscalationTimeline.GroupKey, (string)t.Sink.Delivered("/phone")[0]["groupKey"]!);
        Assert.Equal("phone", (string)t.Sink.Delivered("/phone")[0]["receiver"]!);
    }

    [Fact]
    public async Task Step_receivers_repeat_on_the_routes_repeat_interval()
    {
        await using var t = await EscalationTimeline.StartAsync();
        // Each waited for: the log records a send at its delivery, on the clock of then.
        await t.AtAsync(Minutes(10));
        await t.ExpectAsync(chat: 1, phone: 1, lead: 0);
        await t.AtAsync(Minutes(30));
        await t.ExpectAsync(chat: 1, phone: 1, lead: 1);
        // Repeats come strictly after 4h from each one's first message: chat (0m), phone (10m), lead (30m).
        await t.AtAsync(Minutes(4 * 60 + 9), by: Minutes(15));
        await t.ExpectAsync(chat: 2, phone: 1, lead: 1);
        await t.AtAsync(Minutes(4 * 60 + 11), by: Minutes(1));
        await t.ExpectAsync(chat: 2, phone: 2, lead: 1);
        await t.AtAsync(Minutes(4 * 60 + 31));
        await t.ExpectAsync(chat: 2, phone: 2, lead: 2);
    }

    [Fact]
    public async Task Acknowledged_before_the_first_step_nobody_else_is_told()
    {
        await using var t = await EscalationTimeline.StartAsync();
        await t.AtAsync(Minutes(5));
        Assert.True(await t.AcknowledgeAsync("chat", "alice"));
        Assert.Equal("0:stopped:acknowledged 1:stopped:acknowledged", await t.StepsAsync());
        await t.AtAsync(Minutes(45));
        await t.ExpectAsync(chat: 1, phone: 0, lead: 0);
        Assert.Equal("alice", await t.Host.ScalarAsync<string>("SELECT min(stopped_by) FROM escalations"));

        // Stopped chains are history: retention (120h by default) deletes them.
        t.Time.Advance(TimeSpan.FromHours(121));
        await t.Host.Server.Services.GetRequiredService<Retention.RetentionCollector>().CollectAsync(CancellationToken.None);
        Assert.Equal(0L, await t.Host.CountAsync("escalations"));
    }

    [Fact]
    public async Task Acknowledged_between_steps_from_the_step_receivers_link_tells_that_receiver_and_stops_the_rest()
    {
        await using var t = await EscalationTimeline.StartAsync();
        await t.AtAsync(Minutes(15));
        await t.ExpectAsync(chat: 1, phone: 1, lead: 0);
        // The phone message's acknowledge link names its receiver, phone.
        Assert.True(await t.AcknowledgeAsync("phone", "bob"));
        await t.AtAsync(Minutes(16));
        // phone hears that someone is on it; lead is never paged.
        await t.ExpectAsync(chat: 1, phone: 2, lead: 0);
        await t.AtAsync(Minutes(60));
        await t.ExpectAsync(chat: 1, phone: 2, lead: 0);
        Assert.Equal("0:stopped:acknowledged 1:stopped:acknowledged", await t.StepsAsync());
        Assert.NotNull(await t.Host.ScalarAsync<DateTime?>("SELECT acknowledged_at FROM aggregation_groups"));

        // What the UI reads: who was told when, and who acknowledged.
        var chain = (await t.Host.Server.Services.GetRequiredService<EscalationChains>().ForGroupKeysAsync([EscalationTimeline.GroupKey], CancellationToken.None))
            .SelectMany(c => c.Steps).ToList();
        Assert.Equal(["phone", "lead"], chain.Select(s => s.Receiver));
        Assert.Equal(EscalationTimeline.T0.AddMinutes(10), chain[0].SentAt);
        Assert.Null(chain[1].SentAt);
        Assert.All(chain, s => Assert.Equal(("acknowledged", "bob"), (s.StoppedReason, s.StoppedBy)));
    }

    [Fact]
    public async Task Resolved_mid_chain_the_reached_receiver_hears_it_and_the_rest_stop()
    {
        await using var t = await EscalationTimeline.StartAsync();
        await t.AtAsync(Minutes(12));
        await t.ExpectAsync(chat: 1, phone: 1, lead: 0);
        await t.PostAsync(EscalationTimeline.T0.AddMinutes(12));
        await t.AtAsync(Minutes(15));
        await t.ExpectAsync(chat: 2, phone: 2, lead: 0);
        Assert.Equal("resolved", (string)t.Sink.Delivered("/phone")[1]["status"]!);
        await t.AtAsync(Minutes(45));
        await t.ExpectAsync(chat: 2, phone: 2, lead: 0);
        Assert.Equal("0:stopped:resolved 1:stopped:resolved", await t.StepsAsync());
    }

    [Fact]
    public async Task Silenced_mid_chain_due_steps_wait_for_the_silence_to_end()
    {
        await using var t = await EscalationTimeline.StartAsync();
        await t.AtAsync(Minutes(5));
        var silence = $$"""
            {"matchers":[{"name":"alertname","value":"Esc","isRegex":false,"isEqual":true}],
             "startsAt":"{{EscalationTimeline.T0.AddMinutes(5):O}}","endsAt":"{{EscalationTimeline.T0.AddMinutes(40):O}}","createdBy":"t","comment":"maintenance"}
            """;
        var response = await t.Host.PostJsonAsync("api/v2/silences", silence);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        await t.AtAsync(Minutes(39.5));
        await t.ExpectAsync(chat: 1, phone: 0, lead: 0);
        Assert.Equal("0:pending 1:pending", await t.StepsAsync());
        // Still firing and unacknowledged when the silence ends: both overdue steps go out, once each. (chat is told
        // again too: a flush with everything silenced logs an empty firing set, so the alert is news to it afterwards.)
        await t.AtAsync(Minutes(41));
        await t.ExpectAsync(chat: 2, phone: 1, lead: 1);
        await t.AtAsync(Minutes(50));
        await t.ExpectAsync(chat: 2, phone: 1, lead: 1);
    }
}
