using System.Text;
using Microsoft.AspNetCore.Html;

namespace Alerting.Ui.Charts;

/// <summary>A median and a 90th percentile of durations, in seconds.</summary>
internal sealed record DurationRange(string Label, double MedianSeconds, double P90Seconds);

/// <summary>
/// Median and p90 per row: a bar to the median and a whisker on to the p90, on one linear scale from zero, with
/// both values written after it. Shows at a glance who answers slowly and whose answers are unpredictable.
/// </summary>
internal static class RangeChart
{
    public const double Width = 360;
    private const double RowHeight = 36;
    private const double ValueRoom = 190;

    public static HtmlString Render(string id, string title, string description, string css, IReadOnlyList<DurationRange> rows, UiText T)
    {
        if (rows.Count == 0)
        {
            return HtmlString.Empty;
        }
        var max = Math.Max(rows.Max(r => Math.Max(r.P90Seconds, r.MedianSeconds)), 1e-9);
        var scale = (Width - ValueRoom) / max;
        var svg = new StringBuilder();
        Svg.Open(svg, id, "ranges " + css, Width, rows.Count * RowHeight + 4, title, description);
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var top = i * RowHeight;
            var median = Math.Max(row.MedianSeconds * scale, 2);
            var p90 = Math.Max(row.P90Seconds * scale, median);
            var values = T.Format("median {0} · p90 {1}", UiFormat.Seconds(row.MedianSeconds), UiFormat.Seconds(row.P90Seconds));
            Svg.Group(svg, "row", $"{row.Label}: {values}");
            Svg.Text(svg, "label", 0, top + 14, Svg.Fit(row.Label, Width));
            Svg.Rect(svg, "median", 0, top + 19, median, 12);
            svg.Append("<path class=\"p90\" d=\"M").Append(Svg.N(median)).Append(' ').Append(Svg.N(top + 25))
                .Append("H").Append(Svg.N(p90)).Append("M").Append(Svg.N(p90)).Append(' ').Append(Svg.N(top + 19))
                .Append("V").Append(Svg.N(top + 31)).Append("\"/>");
            Svg.Text(svg, "value", p90 + 6, top + 30, values);
            svg.Append("</g>");
        }
        return new HtmlString(svg.Append("</svg>").ToString());
    }
}
