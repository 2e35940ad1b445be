using System.Globalization;
using System.Text;
using Alerting.Insights;
using Microsoft.AspNetCore.Html;

namespace Alerting.Ui.Charts;

/// <summary>
/// Notifications per day: a column of sends stacked by channel, and beside it a thinner column of failures and
/// rate-limit deferrals, on one scale; a legend under the days. Days without a row show as empty slots.
/// </summary>
internal static class DayChart
{
    public const double Width = 360;
    public const int Palette = 6;
    private const double Left = 40;
    private const double Top = 8;
    private const double PlotHeight = 150;
    private const double Swatch = 11;
    private const double LegendTop = 40; // below the day labels

    public static HtmlString Render(string id, string title, string description, IReadOnlyList<DateOnly> days, IReadOnlyList<ChannelDay> rows, UiText T)
    {
        if (days.Count == 0 || rows.Count == 0)
        {
            return HtmlString.Empty;
        }
        var channels = rows.Select(r => r.Channel).Distinct().Order(StringComparer.Ordinal).ToList();
        var byDay = rows.ToLookup(r => r.Day);
        var max = Svg.NiceCeiling(days.Max(d => Math.Max(byDay[d].Sum(r => r.Sent), byDay[d].Sum(r => r.Failed + r.RateLimited))));
        var legend = Legend(channels, T);
        var bottom = Top + PlotHeight;
        var svg = new StringBuilder();
        Svg.Open(svg, id, "days", Width, bottom + LegendTop + legend[^1].Y + 8, title, description);
        foreach (var tick in new[] { 0, max / 2, max })
        {
            var y = bottom - tick / max * PlotHeight;
            svg.Append("<path class=\"grid\" d=\"M").Append(Svg.N(Left)).Append(' ').Append(Svg.N(y)).Append("H").Append(Svg.N(Width)).Append("\"/>");
            Svg.Text(svg, "axis", Left - 4, y + 4, UiFormat.Count((long)tick), "end");
        }
        var slot = (Width - Left) / days.Count;
        var every = (int)Math.Ceiling(days.Count / 8.0);
        for (var i = 0; i < days.Count; i++)
        {
            var day = days[i];
            var x = Left + i * slot + slot * 0.1;
            var name = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var y = bottom;
            foreach (var row in byDay[day].OrderBy(r => channels.IndexOf(r.Channel)).Where(r => r.Sent > 0))
            {
                var height = row.Sent / max * PlotHeight;
                y -= height;
                Svg.Group(svg, "segment", $"{name} · {row.Channel}: {T.Format("{0} sent", UiFormat.Count(row.Sent))}");
                Svg.Rect(svg, "c" + channels.IndexOf(row.Channel) % Palette, x, y, slot * 0.5, height);
                svg.Append("</g>");
            }
            var (failed, limited) = (byDay[day].Sum(r => r.Failed), byDay[day].Sum(r => r.RateLimited));
            if (failed + limited > 0)
            {
                var px = x + slot * 0.55;
                var failedHeight = failed / max * PlotHeight;
                Svg.Group(svg, "segment", $"{name}: {T.Format("{0} failed, {1} rate-limited", UiFormat.Count(failed), UiFormat.Count(limited))}");
                Svg.Rect(svg, "failed", px, bottom - failedHeight, slot * 0.25, failedHeight);
                Svg.Rect(svg, "limited", px, bottom - failedHeight - limited / max * PlotHeight, slot * 0.25, limited / max * PlotHeight);
                svg.Append("</g>");
            }
            if (i % every == 0)
            {
                Svg.Text(svg, "axis", Left + i * slot + slot / 2, bottom + 16, day.ToString("MM-dd", CultureInfo.InvariantCulture), "middle");
            }
        }
        foreach (var item in legend)
        {
            var y = bottom + LegendTop + item.Y;
            Svg.Rect(svg, item.Css, item.X, y - Swatch + 1, Swatch, Swatch);
            Svg.Text(svg, "legend", item.X + Swatch + 4, y, item.Text);
        }
        return new HtmlString(svg.Append("</svg>").ToString());
    }

    private sealed record LegendItem(string Css, string Text, double X, double Y);

    /// <summary>Legend entries laid out left to right, wrapping at the chart's width.</summary>
    private static List<LegendItem> Legend(List<string> channels, UiText T)
    {
        var entries = channels.Select((c, i) => ("c" + i % Palette, c))
            .Append(("failed", T["failed"])).Append(("limited", T["rate-limited"]));
        var items = new List<LegendItem>();
        var (x, y) = (0.0, 0.0);
        foreach (var (css, text) in entries)
        {
            var width = Swatch + 4 + Svg.Width(text) + 14;
            if (x > 0 && x + width > Width)
            {
                (x, y) = (0, y + 18);
            }
            items.Add(new LegendItem(css, text, x, y));
            x += width;
        }
        return items;
    }
}
