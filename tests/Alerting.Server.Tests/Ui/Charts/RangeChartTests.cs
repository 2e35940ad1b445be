using System.Xml.Linq;

namespace Alerting.Ui.Charts;

public sealed class RangeChartTests
{
    private static readonly XNamespace s_svg = "http://www.w3.org/2000/svg";

    [Fact]
    public void The_median_is_a_bar_and_the_p90_a_whisker_on_one_scale_with_both_values_written()
    {
        var svg = XElement.Parse(RangeChart.Render("r1", "Time to acknowledge", "Median and p90.", "acknowledge",
            [new DurationRange("db-pager", 240, 900), new DurationRange("web-team", 600, 600)], InsightsSample.Text(UiText.English)).Value!);

        Assert.Equal("chart ranges acknowledge", (string?)svg.Attribute("class"));
        Assert.Equal("img", (string?)svg.Attribute("role"));
        var rows = svg.Elements(s_svg + "g").ToList();
        Assert.Equal(2, rows.Count);
        var scale = (RangeChart.Width - 190) / 900; // the largest p90 takes the width left of the values
        Assert.Equal(Math.Round(240 * scale, 1), BarChartTests.Attr(rows[0].Element(s_svg + "rect")!, "width"));
        Assert.Equal($"M{Svg.N(240 * scale)} 25H170M170 19V31", (string?)rows[0].Element(s_svg + "path")!.Attribute("d"));
        Assert.Equal(Math.Round(600 * scale, 1), BarChartTests.Attr(rows[1].Element(s_svg + "rect")!, "width"));
        Assert.Equal(["db-pager", "median 4m · p90 15m"], rows[0].Elements(s_svg + "text").Select(t => t.Value));
        Assert.Equal("web-team: median 10m · p90 10m", rows[1].Element(s_svg + "title")!.Value);
    }

    [Fact]
    public void In_Chinese_the_values_say_median_in_Chinese()
    {
        var markup = RangeChart.Render("r2", "确认所需时间", "d", "resolve", [new DurationRange("<b>x</b>", 30, 7200)], InsightsSample.Text(UiText.Chinese)).Value!;
        var svg = XElement.Parse(markup);
        Assert.Equal("中位数 30s · p90 2h", svg.Element(s_svg + "g")!.Elements(s_svg + "text").Last().Value);
        Assert.DoesNotContain("<b>", markup);
        Assert.Equal("确认所需时间", svg.Element(s_svg + "title")!.Value);
    }
}
