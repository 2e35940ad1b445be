using System.Net;
using System.Text.RegularExpressions;
using Alerting.Core.Labels;
using Alerting.Infrastructure;
using Alerting.Links;
using Alerting.Ui;
using Microsoft.Extensions.DependencyInjection;

namespace Alerting.Escalation;

/// <summary>
/// The read side of escalation: <see cref="EscalationChains"/> against real PostgreSQL, and what the alerts page, the
/// view link and the route tester make of it (chat at once, phone after 10 minutes, lead after 30; see
/// <see cref="EscalationTimeline"/>). amtool's view of the same groups stays without a trace of it.
/// </summary>
public sealed class EscalationChainsTests
{
    private static readonly DateTimeOffset T0 = EscalationTimeline.T0;

    [Fact]
    public async Task The_reader_gives_the_latest_chain_with_sent_pending_and_acknowledged_steps()
    {
        await using var t = await EscalationTimeline.StartAsync();
        var reader = t.Host.Server.Services.GetRequiredService<EscalationChains>();
        Assert.Empty(await reader.ForGroupKeysAsync(["{}:{alertname=\"Other\"}"], CancellationToken.None));
        Assert.Empty(await reader.ForGroupKeysAsync([], CancellationToken.None));

        await t.AtAsync(TimeSpan.FromMinutes(10));
        await t.ExpectAsync(chat: 1, phone: 1, lead: 0);
        var chain = Assert.Single(await reader.ForGroupKeysAsync([EscalationTimeline.GroupKey, EscalationTimeline.GroupKey], CancellationToken.None));
        Assert.Equal(EscalationTimeline.GroupKey, chain.Group.GroupKey);
        Assert.Equal(T0, chain.StartedAt);
        Assert.Null(chain.AcknowledgedAt);
        Assert.Equal([0, 1], chain.Steps.Select(s => s.Step));
        var (phone, lead) = (chain.Steps[0], chain.Steps[1]);
        Assert.Equal(("phone", TimeSpan.FromMinutes(10), "sent", T0.AddMinutes(10)), (phone.Receiver, phone.After, phone.State, phone.SentAt));
        Assert.Equal(("lead", TimeSpan.FromMinutes(30), "pending", T0.AddMinutes(30), (DateTimeOffset?)null), (lead.Receiver, lead.After, lead.State, lead.DueAt, lead.SentAt));
        Assert.Same(lead, chain.Next);
        var byGroup = await reader.ForGroupsAsync([chain.Group, chain.Group with { RouteId = "elsewhere" }], CancellationToken.None);
        Assert.Equal([chain.Group], byGroup.Keys);

        await t.AtAsync(TimeSpan.FromMinutes(12));
        Assert.True(await t.AcknowledgeAsync("chat", "Mei Chen"));
        await t.PassesAsync();
        chain = Assert.Single(await reader.ForGroupKeysAsync([EscalationTimeline.GroupKey], CancellationToken.None));
        Assert.Equal(("Mei Chen", T0.AddMinutes(12)), (chain.AcknowledgedBy, chain.AcknowledgedAt));
        Assert.Null(chain.Next);
        (phone, lead) = (chain.Steps[0], chain.Steps[1]);
        Assert.Equal(("stopped", "acknowledged", "Mei Chen", T0.AddMinutes(10)), (phone.State, phone.StoppedReason, phone.StoppedBy, phone.SentAt));
        Assert.Equal(("stopped", "acknowledged", "Mei Chen", T0.AddMinutes(12), (DateTimeOffset?)null), (lead.State, lead.StoppedReason, lead.StoppedBy, lead.StoppedAt, lead.SentAt));
        Assert.Same(lead, chain.StoppedBy);
    }

    [Fact]
    public async Task The_pages_show_the_chain_and_amtools_view_is_unchanged()
    {
        await using var t = await EscalationTimeline.StartAsync();
        await t.AtAsync(TimeSpan.FromMinutes(10));
        await t.ExpectAsync(chat: 1, phone: 1, lead: 0);
        using var ui = new UiClient(t.Host);

        var (status, html) = await ui.GetAsync("");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("<section class=\"escalation\"", html);
        Assert.Contains("started at 2026-03-02 03:00:00 UTC (first notification)", html);
        Assert.Matches(@"data-step=""1"" data-state=""sent"">\s*<span class=""muted"">after 10m</span> → <strong>phone</strong>:\s*<span class=""state success"">told</span> 2026-03-02 03:10:00 UTC", html);
        Assert.Matches(@"data-step=""2"" data-state=""pending"">\s*<span class=""muted"">after 30m</span> → <strong>lead</strong>:\s*<span class=""state pending"">due</span> 2026-03-02 03:30:00 UTC <span class=""muted"">\(in 20m\)</span>", html);
        Assert.Contains("escalates to lead in 20m", html);
        (_, html) = await ui.GetAsync("alerts/" + LabelSet.From(("alertname", "Esc")).FingerprintHex);
        Assert.Matches(@"<strong>phone</strong>:\s*<span class=""state success"">told</span> 2026-03-02 03:10:00 UTC", html);
        Assert.Contains("<span class=\"state pending\">due</span> 2026-03-02 03:30:00 UTC", html);

        var (_, zh) = await new UiClient(t.Host, "zh-CN").GetAsync("");
        Assert.Contains("始于 2026-03-02 03:00:00 UTC（首次通知）", zh);
        Assert.Contains("20m 后升级至 lead", zh);

        // amtool and API clients see the groups as before: no escalation field anywhere.
        var groups = await t.Host.Client.GetStringAsync("api/v2/alerts/groups");
        Assert.Contains("\"Esc\"", groups);
        Assert.DoesNotContain("escalat", groups, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("escalat", await t.Host.Client.GetStringAsync("api/v2/alerts"), StringComparison.OrdinalIgnoreCase);
        var config = (string)(await t.Host.GetObjectAsync("api/v2/status"))["config"]!["original"]!;
        Assert.Contains("receiver: chat", config);
        Assert.DoesNotContain("escalation", config, StringComparison.Ordinal);

        // The view link of a message: the chain, then who acknowledged and why the rest stopped.
        var signer = t.Host.Server.Services.GetRequiredService<LinkSigner>();
        var links = await signer.ForGroupAsync(EscalationTimeline.GroupKey, "chat", LabelSet.From(("alertname", "Esc")), t.Host.BaseAddress.ToString(), CancellationToken.None);
        var view = new Uri(links.View).PathAndQuery.TrimStart('/');
        (_, html) = await ui.GetAsync(view);
        Assert.Matches(@"<strong>phone</strong>:\s*<span class=""state success"">told</span> 2026-03-02 03:10:00 UTC", html);
        Assert.Contains("<span class=\"state pending\">due</span> 2026-03-02 03:30:00 UTC", html);

        await t.AtAsync(TimeSpan.FromMinutes(12));
        Assert.True(await t.AcknowledgeAsync("chat", "Mei Chen"));
        await t.PassesAsync();
        (_, html) = await ui.GetAsync(view);
        Assert.Single(Regex.Matches(html, "Acknowledged by Mei Chen at 2026-03-02 03:12:00 UTC")); // once: the page's own line
        Assert.Matches(@"<strong>lead</strong>:\s*<span class=""state expired"">not sent</span>\s*<span class=""stopped"">· stopped at 2026-03-02 03:12:00 UTC: acknowledged by Mei Chen</span>", html);
        (_, html) = await ui.GetAsync("");
        Assert.DoesNotContain("escalates to", html);
        Assert.Contains("<p class=\"ack escalation-ack\">Acknowledged by Mei Chen at 2026-03-02 03:12:00 UTC</p>", html);
    }

    [Fact]
    public async Task The_route_tester_shows_each_steps_time()
    {
        await using var t = await EscalationTimeline.StartAsync();
        using var ui = new UiClient(t.Host);
        var (status, html) = await ui.GetAsync("routing?labels=" + Uri.EscapeDataString("alertname=\"Esc\""));
        Assert.Equal(HttpStatusCode.OK, status);
        html = System.Net.WebUtility.HtmlDecode(html);
        Assert.Matches(@"<dd class=""escalation-plan"">\s*<span>after 10m → <strong>phone</strong> <span class=""muted"">\(at first notification \+ 10m\)</span></span><br>\s*<span>after 30m → <strong>lead</strong> <span class=""muted"">\(at first notification \+ 30m\)</span></span>", html);
        Assert.Contains("· escalation: 10m → phone, 30m → lead", html); // the route tree
    }
}
