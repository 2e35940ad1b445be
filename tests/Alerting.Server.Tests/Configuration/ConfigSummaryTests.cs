using Alerting.Core.Configuration;
using Alerting.Infrastructure;

namespace Alerting.Configuration;

public sealed class ConfigSummaryTests
{
    [Fact]
    public void Describes_the_full_config()
    {
        var text = ConfigSummary.Describe(TestConfig.Load(SampleConfigs.Full, "alerting.yml"));
        var lines = text.Split('\n');
        Assert.Equal("Found:", lines[0]);
        Assert.Contains(" - global config", lines);
        Assert.Contains(" - route tree: 5 routes (root included), depth 3, default receiver \"default\"", lines);
        Assert.Contains(" - 2 inhibit rules", lines);
        Assert.Contains(" - 5 receivers", lines);
        Assert.Contains("   - default: webhook", lines);
        Assert.Contains("   - db-team: email, slack", lines);
        Assert.Contains("   - db-pager: webhook, pagerduty", lines);
        Assert.Contains("   - web-team: email, dingtalk", lines);
        Assert.Contains("   - everything: opsgenie, telegram", lines);
        Assert.Contains(" - 3 time intervals: offhours, business-hours, year-end", lines);
        Assert.Contains(" - 1 template", lines);
        Assert.Contains("   - /etc/alertmanager/templates/*.tmpl", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("Warnings", StringComparison.Ordinal));
    }

    [Fact]
    public void Describes_a_minimal_config_without_warnings()
    {
        var text = ConfigSummary.Describe(TestConfig.Load("route:\n  receiver: r\nreceivers:\n  - name: r\n", "a.yml"));
        Assert.Equal(
            "Found:\n - global config\n - route tree: 1 route (root included), depth 1, default receiver \"r\"\n - 0 inhibit rules\n"
            + " - 1 receiver\n   - r: no integrations\n - 0 time intervals\n - 0 templates\n",
            text);
    }

    [Fact]
    public void Lists_the_escalation_steps_of_each_route_that_sets_them()
    {
        var text = ConfigSummary.Describe(TestConfig.Load("""
            route:
              receiver: chat
              escalation:
                - after: 10m
                  receiver: phone
                - after: 1h30m
                  receiver: lead
              routes:
                - receiver: chat
                  matchers: [team="db"]
                  escalation: []
            receivers:
              - name: chat
              - name: phone
              - name: lead
            """, "a.yml"));
        var lines = text.Split('\n');
        Assert.Equal(" - route tree: 2 routes (root included), depth 2, default receiver \"chat\"", lines[2]);
        Assert.Equal("   - escalation of the route at line 2: after 10m -> phone, after 1h30m -> lead", lines[3]);
        Assert.Equal(" - 0 inhibit rules", lines[4]);
    }
}
