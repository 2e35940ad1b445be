using System.Globalization;
using System.Text;

namespace Alerting.Ui.Charts;

/// <summary>
/// What the charts share: an accessible &lt;svg&gt; frame (role img, title and description), escaping of text that
/// may come from alert labels, invariant numbers for coordinates, and a rough text width so labels fit.
/// Colours are CSS classes (ui.css) that read CSS variables, so both themes apply and the CSP needs no inline style.
/// </summary>
internal static class Svg
{
    public const double FontSize = 13;

    /// <summary>Escapes text and attribute values (label values are anyone's input); other characters stay as they are.</summary>
    public static string Escape(string text) => text
        .Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal)
        .Replace("\"", "&quot;", StringComparison.Ordinal).Replace("'", "&#39;", StringComparison.Ordinal);

    /// <summary>A coordinate: invariant, at most one decimal.</summary>
    public static string N(double value) => Math.Round(value, 1).ToString("0.#", CultureInfo.InvariantCulture);

    public static void Open(StringBuilder svg, string id, string css, double width, double height, string title, string description)
    {
        svg.Append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart ").Append(css).Append("\" id=\"").Append(id)
            .Append("\" role=\"img\" viewBox=\"0 0 ").Append(N(width)).Append(' ').Append(N(height))
            .Append("\" aria-labelledby=\"").Append(id).Append("-t\" aria-describedby=\"").Append(id).Append("-d\">")
            .Append("<title id=\"").Append(id).Append("-t\">").Append(Escape(title)).Append("</title>")
            .Append("<desc id=\"").Append(id).Append("-d\">").Append(Escape(description)).Append("</desc>");
    }

    public static void Text(StringBuilder svg, string css, double x, double y, string text, string anchor = "start")
    {
        svg.Append("<text class=\"").Append(css).Append("\" x=\"").Append(N(x)).Append("\" y=\"").Append(N(y)).Append('"');
        if (anchor != "start")
        {
            svg.Append(" text-anchor=\"").Append(anchor).Append('"');
        }
        svg.Append('>').Append(Escape(text)).Append("</text>");
    }

    public static void Rect(StringBuilder svg, string css, double x, double y, double width, double height) =>
        svg.Append("<rect class=\"").Append(css).Append("\" x=\"").Append(N(x)).Append("\" y=\"").Append(N(y))
            .Append("\" width=\"").Append(N(Math.Max(width, 0))).Append("\" height=\"").Append(N(Math.Max(height, 0))).Append("\"/>");

    /// <summary>A tooltip for the element group it opens: browsers show it on hover, screen readers read it.</summary>
    public static void Group(StringBuilder svg, string css, string tooltip) =>
        svg.Append("<g class=\"").Append(css).Append("\"><title>").Append(Escape(tooltip)).Append("</title>");

    /// <summary>Roughly how wide a text is in SVG units: CJK and other wide characters count double.</summary>
    public static double Width(string text, double fontSize = FontSize)
    {
        double columns = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            columns += IsWide(rune.Value) ? 1.0 : 0.6;
        }
        return columns * fontSize;
    }

    /// <summary>The text cut to fit a width, with an ellipsis; the full text stays in the element's title.</summary>
    public static string Fit(string text, double width, double fontSize = FontSize)
    {
        if (Width(text, fontSize) <= width)
        {
            return text;
        }
        var kept = new StringBuilder();
        var used = Width("…", fontSize);
        var elements = StringInfo.GetTextElementEnumerator(text);
        while (elements.MoveNext())
        {
            var element = (string)elements.Current;
            used += Width(element, fontSize);
            if (used > width)
            {
                break;
            }
            kept.Append(element);
        }
        return kept.Append('…').ToString();
    }

    /// <summary>1, 2 or 5 times a power of ten, at least the value: round axis maxima.</summary>
    public static double NiceCeiling(double value)
    {
        if (value <= 1)
        {
            return 1;
        }
        var power = Math.Pow(10, Math.Floor(Math.Log10(value)));
        return new[] { 1.0, 2, 5, 10 }.Select(m => m * power).First(n => n >= value);
    }

    private static bool IsWide(int c) =>
        c is >= 0x1100 and <= 0x115F or >= 0x2E80 and <= 0xA4CF or >= 0xAC00 and <= 0xD7A3 or >= 0xF900 and <= 0xFAFF
            or >= 0xFE30 and <= 0xFE4F or >= 0xFF00 and <= 0xFF60 or >= 0xFFE0 and <= 0xFFE6 or >= 0x1F300 and <= 0x1FAFF
            or >= 0x20000 and <= 0x3FFFD;
}
