using System.Text;
using Alerting.Templating;

namespace Alerting.Channels.Slack;

/// <summary>How alert data is escaped before the Slack templates see it.</summary>
internal static class SlackEscaping
{
    /// <summary>
    /// Slack's rule: escape <c>&amp;</c>, <c>&lt;</c> and <c>&gt;</c>, and nothing else. An <c>&amp;</c> that
    /// already starts one of those three escapes is kept, so text escaped before (by a channel) is not escaped twice.
    /// </summary>
    /// <summary>Text from alert data: <see cref="Escape"/>, and no <c>@channel</c> either (with <c>link_names</c> Slack pings it).</summary>
    public static string Text(string s) => ChatText.Mentions(Escape(s));

    public static string Escape(string s)
    {
        if (s.AsSpan().IndexOfAny("&<>") < 0)
        {
            return s;
        }
        var sb = new StringBuilder(s.Length + 8);
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            sb.Append(c switch
            {
                '&' when IsEscape(s.AsSpan(i)) => "&",
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                _ => c.ToString(),
            });
        }
        return sb.ToString();
    }

    private static bool IsEscape(ReadOnlySpan<char> s) =>
        s.StartsWith("&amp;", StringComparison.Ordinal) || s.StartsWith("&lt;", StringComparison.Ordinal) || s.StartsWith("&gt;", StringComparison.Ordinal);
}
