using System.Xml.Linq;
using Alerting.Insights;

namespace Alerting.Ui.Charts;

public sealed class DayChartTests
{
    private static readonly XNamespace s_svg = "http://www.w3.org/2000/svg";
    private static readonly DateOnly s_first = new(2026, 12, 1);

    private static readonly ChannelDay[] s_rows =
    [
        new(s_first, "webhook", 10, 2, 0),
        new(s_first, "slack", 30, 0, 3),
        new(s_first.AddDays(2), "webhook", 5, 0, 0),
    ];

    private static XElement Render(string language) => XElement.Parse(DayChart.Render("d1", "Notifications per channel and day", "desc",
        [s_first, s_first.AddDays(1), s_first.AddDays(2)], s_rows, InsightsSample.Text(language)).Value!);

    [Fact]
    public void Sends_stack_by_channel_per_day_with_failures_and_deferrals_beside_them()
    {
        var svg = Render(UiText.English);
        var segments = svg.Elements(s_svg + "g").ToList();
        Assert.Equal(
            ["2026-12-01 · slack: 30 sent", "2026-12-01 · webhook: 10 sent", "2026-12-01: 2 failed, 3 rate-limited", "2026-12-03 · webhook: 5 sent"],
            segments.Select(s => s.Element(s_svg + "title")!.Value));

        // The axis goes to 50 (40 rounded up) over 150 units: 30 sends are 90 high, from the baseline at 158.
        Assert.Equal(["0", "25", "50"], svg.Elements(s_svg + "text").Where(t => (string?)t.Attribute("class") == "axis").Take(3).Select(t => t.Value));
        var slack = segments[0].Element(s_svg + "rect")!;
        Assert.Equal("c0", (string?)slack.Attribute("class")); // channels take colours in name order
        Assert.Equal((90.0, 68.0), (BarChartTests.Attr(slack, "height"), BarChartTests.Attr(slack, "y")));
        var webhook = segments[1].Element(s_svg + "rect")!;
        Assert.Equal("c1", (string?)webhook.Attribute("class"));
        Assert.Equal((30.0, 38.0), (BarChartTests.Attr(webhook, "height"), BarChartTests.Attr(webhook, "y")));
        var problems = segments[2].Elements(s_svg + "rect").ToList();
        Assert.Equal(["failed", "limited"], problems.Select(r => (string?)r.Attribute("class")));
        Assert.Equal([6.0, 9.0], problems.Select(r => BarChartTests.Attr(r, "height")));

        var texts = svg.Elements(s_svg + "text").Select(t => t.Value).ToList();
        Assert.Contains("12-02", texts); // the quiet day keeps its slot
        Assert.Equal(["slack", "webhook", "failed", "rate-limited"], svg.Elements(s_svg + "text").Where(t => (string?)t.Attribute("class") == "legend").Select(t => t.Value));
    }

    [Fact]
    public void The_legend_and_tooltips_follow_the_language()
    {
        var svg = Render(UiText.Chinese);
        Assert.Equal(["slack", "webhook", "失败", "限流"], svg.Elements(s_svg + "text").Where(t => (string?)t.Attribute("class") == "legend").Select(t => t.Value));
        Assert.Equal("2026-12-01 · slack: 已发送 30", svg.Element(s_svg + "g")!.Element(s_svg + "title")!.Value);
    }

    [Fact]
    public void Nothing_sent_draws_nothing() => Assert.Equal("", DayChart.Render("d2", "t", "d", [s_first], [], InsightsSample.Text(UiText.English)).Value);
}
