using System.Text;

namespace Alerting.Templating;

/// <summary>
/// Escapers for text an alert's sender controls (labels, annotations, URLs), one per kind of chat markup. Each
/// keeps the text readable and leaves no link, mention, tag, header or table that the data wrote; the
/// template's own text is not touched. A channel picks the one for its markup (in its folder).
/// </summary>
internal static class ChatText
{
    /// <summary>Text shown as is (plain-text fields), or data already escaped by the engine (html/template).</summary>
    public static string Unchanged(string s) => s;

    /// <summary>
    /// A mention needs an ASCII <c>@</c> (<c>@all</c>, <c>@here</c>, <c>@channel</c>, <c>@everyone</c>, <c>@user</c>):
    /// the full-width <c>＠</c> reads the same and pings nobody on any platform.
    /// </summary>
    public static string Mentions(string s) => s.Contains('@', StringComparison.Ordinal) ? s.Replace('@', '＠') : s;

    /// <summary>
    /// CommonMark and its dialects (Discord, Mattermost, Rocket.Chat, Webex, Teams): a backslash before
    /// <c>\ ` * [ ] &lt; &gt; |</c> anywhere and before <c># = - + &gt;</c> opening a line, so no link, image,
    /// autolink, HTML, code, table, header or quote comes from the data; mentions as <see cref="Mentions"/>.
    /// <c>_</c> and <c>~</c> are left, as they fill identifiers and URLs and make no link or mention.
    /// </summary>
    public static string CommonMark(string s) => Backslash(Mentions(s), "\\`*[]<>|", "#=-+");

    /// <summary>
    /// DingTalk's and WeCom's markdown, which have no backslash escapes: the characters that open a link, an
    /// image, a tag, bold, code, a quote or a table become their full-width forms (<c>［ ］ ＜ ＞ ＊ ｀ ｜</c>), and
    /// <c># = - +</c> opening a line too; mentions as <see cref="Mentions"/>.
    /// </summary>
    public static string FullWidth(string s)
    {
        s = Mentions(s);
        if (s.AsSpan().IndexOfAny("[]<>*`|#=-+") < 0)
        {
            return s;
        }
        var sb = new StringBuilder(s.Length);
        var lineStart = true;
        foreach (var c in s)
        {
            var wide = c switch
            {
                '[' or ']' or '<' or '>' or '*' or '`' or '|' => true,
                '#' or '=' or '-' or '+' => lineStart,
                _ => false,
            };
            sb.Append(wide ? (char)(c - 0x21 + 0xFF01) : c);
            lineStart = c is '\n' or '\r' || (lineStart && c is ' ' or '\t');
        }
        return sb.ToString();
    }

    /// <summary>HTML text and attribute values: <c>&amp; &lt; &gt; " '</c> as entities (e-mail has no mentions).</summary>
    public static string Html(string s) => System.Net.WebUtility.HtmlEncode(s);

    /// <summary>Telegram's MarkdownV2, which refuses a message with any of these characters unescaped.</summary>
    public static string TelegramMarkdownV2(string s) => Backslash(Mentions(s), "\\_*[]()~`>#+-=|{}.!", "");

    /// <summary>Telegram's legacy Markdown: only <c>_ * ` [</c> are special, escaped with a backslash.</summary>
    public static string TelegramMarkdown(string s) => Backslash(Mentions(s), "_*`[", "");

    private static string Backslash(string s, string always, string atLineStart)
    {
        if (s.AsSpan().IndexOfAny(always) < 0 && (atLineStart.Length == 0 || s.AsSpan().IndexOfAny(atLineStart) < 0))
        {
            return s;
        }
        var sb = new StringBuilder(s.Length + 8);
        var lineStart = true;
        foreach (var c in s)
        {
            if (always.Contains(c, StringComparison.Ordinal) || (lineStart && atLineStart.Contains(c, StringComparison.Ordinal)))
            {
                sb.Append('\\');
            }
            sb.Append(c);
            lineStart = c is '\n' or '\r' || (lineStart && c is ' ' or '\t');
        }
        return sb.ToString();
    }
}
