using System.Text;

namespace Alerting.Templating;

/// <summary>URLs from alert data (generatorURL, Grafana's dashboard and panel URLs) as every channel may link them.</summary>
internal static class SafeUrl
{
    /// <summary>
    /// An absolute http or https URL, with the characters that could end a markdown link, an HTML attribute or a
    /// Slack link percent-encoded (<c>( ) [ ] &lt; &gt; " ' ` | \ { }</c>, spaces and controls); "" for anything else
    /// (<c>javascript:</c>, <c>data:</c>, relative or broken URLs), so no template links it.
    /// </summary>
    public static string Of(string? url)
    {
        var s = url?.Trim() ?? "";
        if (!(s.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || s.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            || !Uri.TryCreate(s, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
        {
            return "";
        }
        if (s.AsSpan().IndexOfAny("()[]<>\"'`|\\{} \t\r\n") < 0 && !s.Any(char.IsControl))
        {
            return s;
        }
        var sb = new StringBuilder(s.Length + 16);
        foreach (var c in s)
        {
            if (c is '(' or ')' or '[' or ']' or '<' or '>' or '"' or '\'' or '`' or '|' or '\\' or '{' or '}' or ' ' || char.IsControl(c))
            {
                foreach (var b in Encoding.UTF8.GetBytes(c.ToString()))
                {
                    sb.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
                }
            }
            else
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }

    /// <summary>Like <see cref="Of"/>, but null stays null and a refused URL becomes null (an optional link).</summary>
    public static string? Optional(string? url) => url is null ? null : Of(url) is { Length: > 0 } safe ? safe : null;
}
