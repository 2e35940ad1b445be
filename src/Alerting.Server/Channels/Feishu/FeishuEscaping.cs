using System.Text;
using Alerting.Templating;

namespace Alerting.Channels.Feishu;

/// <summary>How alert data is escaped before the feishu.markdown template sees it.</summary>
internal static class FeishuEscaping
{
    /// <summary>
    /// Feishu's card markdown reads tags in the text: an alert saying <c>&lt;at id=all&gt;&lt;/at&gt;</c> would ping the whole
    /// group, and <c>&lt;font&gt;</c> would restyle the card. <c>&lt;</c> and <c>&gt;</c> become the numeric entities
    /// Feishu documents (<c>&amp;#60;</c>, <c>&amp;#62;</c>), which it shows as the characters. Links, bold, code,
    /// tables and headers are broken as in DingTalk's markdown (<see cref="ChatText.FullWidth"/>), and <c>@</c> too.
    /// </summary>
    public static string Markdown(string s)
    {
        if (s.AsSpan().IndexOfAny('<', '>') >= 0)
        {
            var sb = new StringBuilder(s.Length + 8);
            foreach (var c in s)
            {
                sb.Append(c switch
                {
                    '<' => "&#60;",
                    '>' => "&#62;",
                    _ => c.ToString(),
                });
            }
            s = sb.ToString();
        }
        return ChatText.FullWidth(s);
    }
}
