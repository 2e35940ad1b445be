using System.Text;
using Microsoft.AspNetCore.Html;

namespace Alerting.Ui.Charts;

/// <summary>One bar: its label (cut to fit, whole in the tooltip), the value it is drawn by and the value as shown.</summary>
internal sealed record ChartBar(string Label, double Value, string ValueText);

/// <summary>
/// Horizontal bars, largest first as given: each row is its label on one line and the bar under it, so long label
/// sets keep the whole width on a phone.
/// </summary>
internal static class BarChart
{
    public const double Width = 360;
    public const double RowHeight = 36;
    private const double BarHeight = 12;
    private const double ValueRoom = 64;

    public static HtmlString Render(string id, string title, string description, IReadOnlyList<ChartBar> bars)
    {
        if (bars.Count == 0)
        {
            return HtmlString.Empty;
        }
        var max = Math.Max(bars.Max(b => b.Value), 1e-9);
        var svg = new StringBuilder();
        Svg.Open(svg, id, "bars", Width, bars.Count * RowHeight + 4, title, description);
        for (var i = 0; i < bars.Count; i++)
        {
            var bar = bars[i];
            var top = i * RowHeight;
            var length = Math.Max(bar.Value / max * (Width - ValueRoom), bar.Value > 0 ? 2 : 0);
            Svg.Group(svg, "row", $"{bar.Label}: {bar.ValueText}");
            Svg.Text(svg, "label", 0, top + 14, Svg.Fit(bar.Label, Width));
            Svg.Rect(svg, "bar", 0, top + 19, length, BarHeight);
            Svg.Text(svg, "value", length + 6, top + 30, bar.ValueText);
            svg.Append("</g>");
        }
        return new HtmlString(svg.Append("</svg>").ToString());
    }
}
