using System.Globalization;
using System.Xml.Linq;

namespace Alerting.Ui.Charts;

public sealed class BarChartTests
{
    private static readonly XNamespace s_svg = "http://www.w3.org/2000/svg";

    internal static XElement Parse(string markup) => XElement.Parse(markup);

    internal static double Attr(XElement e, string name) => double.Parse((string)e.Attribute(name)!, CultureInfo.InvariantCulture);

    [Fact]
    public void Bars_are_as_long_as_their_share_of_the_largest_with_label_value_and_tooltip()
    {
        var svg = Parse(BarChart.Render("c1", "Noisiest alerts", "Notifications per alert.",
            [new ChartBar("DiskFull", 40, "40"), new ChartBar("HighLatency", 10, "10"), new ChartBar("Quiet", 0, "0")]).Value!);

        Assert.Equal("img", (string?)svg.Attribute("role"));
        Assert.Equal("c1-t", (string?)svg.Attribute("aria-labelledby"));
        Assert.Equal("c1-d", (string?)svg.Attribute("aria-describedby"));
        Assert.Equal("Noisiest alerts", svg.Element(s_svg + "title")!.Value);
        Assert.Equal("c1-t", (string?)svg.Element(s_svg + "title")!.Attribute("id"));
        Assert.Equal("Notifications per alert.", svg.Element(s_svg + "desc")!.Value);
        Assert.Equal("0 0 360 112", (string?)svg.Attribute("viewBox"));

        var rows = svg.Elements(s_svg + "g").ToList();
        Assert.Equal(3, rows.Count);
        var widths = rows.Select(r => Attr(r.Element(s_svg + "rect")!, "width")).ToList();
        Assert.Equal([BarChart.Width - 64, (BarChart.Width - 64) / 4, 0], widths);
        Assert.Equal(["DiskFull: 40", "HighLatency: 10", "Quiet: 0"], rows.Select(r => r.Element(s_svg + "title")!.Value));
        Assert.Equal(["DiskFull", "40"], rows[0].Elements(s_svg + "text").Select(t => t.Value));
        Assert.Equal(Attr(rows[1].Element(s_svg + "rect")!, "y") + BarChart.RowHeight, Attr(rows[2].Element(s_svg + "rect")!, "y"));
    }

    [Fact]
    public void Label_values_are_escaped_and_long_labels_are_cut_with_the_whole_label_in_the_tooltip()
    {
        const string Hostile = "Injected {note=\"<img src=x onerror=alert(1)>\" & 'more'}";
        var longLabel = "DiskFull " + string.Concat(Enumerable.Repeat("{instance=\"db-1:9100\"} ", 10));
        var markup = BarChart.Render("c2", "<t>", "d", [new ChartBar(Hostile, 3, "3"), new ChartBar(longLabel, 2, "2")]).Value!;

        Assert.DoesNotContain("<img", markup);
        Assert.DoesNotContain("<t>", markup);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;&quot; &amp; &#39;more&#39;", markup);
        var rows = Parse(markup).Elements(s_svg + "g").ToList();
        // What a reader sees is the label as it was, as text.
        Assert.StartsWith("Injected {note=\"<img src=x onerror=alert(1)>\"", rows[0].Element(s_svg + "text")!.Value, StringComparison.Ordinal);
        Assert.Equal(Hostile + ": 3", rows[0].Element(s_svg + "title")!.Value);
        var shown = rows[1].Element(s_svg + "text")!.Value;
        Assert.EndsWith("…", shown);
        Assert.StartsWith("DiskFull {instance=", shown);
        Assert.True(Svg.Width(shown) <= BarChart.Width, shown);
        Assert.Equal(longLabel + ": 2", rows[1].Element(s_svg + "title")!.Value);
    }

    [Fact]
    public void No_bars_draw_nothing() => Assert.Equal("", BarChart.Render("c3", "t", "d", []).Value);

    [Theory]
    [InlineData("abcdef", 6 * 0.6 * 13)]
    [InlineData("告警名称", 4 * 13)]
    public void Wide_characters_count_double(string text, double width) => Assert.Equal(width, Svg.Width(text), 6);

    [Fact]
    public void Chinese_labels_are_cut_by_their_width()
    {
        var cut = Svg.Fit(string.Concat(Enumerable.Repeat("磁盘已满", 20)), 100);
        Assert.Equal("磁盘已满磁盘已…", cut); // 7 wide characters (13 units each) and the ellipsis fit in 100 units
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(7, 10)]
    [InlineData(13, 20)]
    [InlineData(41, 50)]
    [InlineData(500, 500)]
    [InlineData(501, 1000)]
    public void Axis_maxima_are_round(double value, double expected) => Assert.Equal(expected, Svg.NiceCeiling(value));
}
