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
}
