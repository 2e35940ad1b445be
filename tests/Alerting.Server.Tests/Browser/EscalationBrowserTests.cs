using Alerting.Core.Labels;
using Alerting.Escalation;
using Alerting.Infrastructure;
using Alerting.Links;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Alerting.Browser;

/// <summary>
/// A group's escalation chain in a real Chromium, on the fake clock of <see cref="EscalationTimeline"/>: phone told
/// after 10 minutes, lead due at 30; then acknowledged from the message's link, which stops the rest of the chain.
/// </summary>
public sealed class EscalationBrowserTests
{
    [RequiresToolFact("chromium")]
    public async Task The_alerts_page_and_the_view_link_show_the_chain_before_and_after_an_acknowledgement()
    {
        await using var t = await EscalationTimeline.StartAsync();
        await t.AtAsync(TimeSpan.FromMinutes(10));
        await t.ExpectAsync(chat: 1, phone: 1, lead: 0);
        await using var chromium = await Chromium.LaunchAsync();
        var page = chromium.Page;

        await page.GotoAsync(t.Host.BaseAddress.ToString());
        var steps = page.Locator("details.group .escalation-steps li");
        await Expect(steps).ToHaveCountAsync(2);
        await Expect(steps.Nth(0)).ToContainTextAsync("after 10m → phone: told 2026-03-02 03:10:00 UTC");
        await Expect(steps.Nth(1)).ToContainTextAsync("after 30m → lead: due 2026-03-02 03:30:00 UTC (in 20m)");
        await Expect(page.Locator("details.group summary .escalation-badge")).ToHaveTextAsync("escalates to lead in 20m");
        await Screenshots.SaveAsync(page, "ui-escalation.png");

        // Dark theme: the step states keep their theme colours.
        await page.GetByRole(AriaRole.Button, new() { Name = "Dark theme" }).ClickAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("data-theme", "dark");
        Assert.Equal("rgb(255, 204, 128)", await steps.Nth(1).Locator(".state").EvaluateAsync<string>("e => getComputedStyle(e).color"));

        // Acknowledged from the message's link, by name.
        var links = await t.Host.Server.Services.GetRequiredService<LinkSigner>()
            .ForGroupAsync(EscalationTimeline.GroupKey, "chat", LabelSet.From(("alertname", "Esc")), t.Host.BaseAddress.ToString(), CancellationToken.None);
        await page.GotoAsync(links.View);
        await Expect(page.Locator(".escalation-steps li").Nth(1)).ToContainTextAsync("due 2026-03-02 03:30:00 UTC");
        await t.AtAsync(TimeSpan.FromMinutes(12));
        await page.GotoAsync(links.Acknowledge);
        await page.GetByLabel("Your name (optional)").FillAsync("Mei Chen");
        await page.GetByRole(AriaRole.Button, new() { Name = "Acknowledge" }).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("Acknowledged");
        await t.PassesAsync();
        await t.ExpectAsync(chat: 1, phone: 2, lead: 0); // phone hears that someone is on it

        await page.GotoAsync(links.View);
        await Expect(page.Locator("p.ack")).ToHaveTextAsync("Acknowledged by Mei Chen at 2026-03-02 03:12:00 UTC"); // once, not again in the chain
        var viewSteps = page.Locator(".escalation-steps li");
        await Expect(viewSteps.Nth(0)).ToContainTextAsync("phone: told 2026-03-02 03:10:00 UTC");
        await Expect(viewSteps.Nth(1)).ToContainTextAsync("lead: not sent · stopped at 2026-03-02 03:12:00 UTC: acknowledged by Mei Chen");
        await Screenshots.SaveAsync(page, "action-escalation.png");

        await page.GotoAsync(t.Host.BaseAddress.ToString());
        await Expect(page.Locator("details.group summary .escalation-badge")).ToHaveCountAsync(0);
        await Expect(page.Locator("details.group .escalation-ack")).ToContainTextAsync("Mei Chen");
    }
}
