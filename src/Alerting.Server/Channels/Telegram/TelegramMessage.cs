using System.Globalization;
using System.Text;
using Alerting.Channels.Http;
using Alerting.Core.Notifications;
using Alerting.Templating;

namespace Alerting.Channels.Telegram;

/// <summary>
/// The sendMessage request Alertmanager's Telegram notifier makes through telebot v3: every parameter a
/// string in a map[string]string, so the JSON keys come out sorted.
/// </summary>
internal static class TelegramMessage
{
    /// <summary>Telegram's limit on a message's text, in runes.</summary>
    public const int MaxMessageLenRunes = 4096;

    /// <summary>What Alertmanager sends instead of an HTML message over the limit (HTML cannot be cut safely); the tabs are its source's indentation.</summary>
    public const string HtmlTooLong = "Alertmanager notification could not be sent: message length exceeds Telegram limits.\n\t\t\tPlease check the template used for producing the message content.";

    /// <summary>
    /// The text as sent: an HTML message over the limit is replaced by <see cref="HtmlTooLong"/>; any other is
    /// cut to <see cref="MaxMessageLenRunes"/> runes with "…".
    /// </summary>
    public static (string Text, bool Truncated) Text(string parseMode, string rendered)
    {
        if (parseMode == "HTML")
        {
            return rendered.Length > MaxMessageLenRunes && rendered.EnumerateRunes().Count() > MaxMessageLenRunes ? (HtmlTooLong, true) : (rendered, false);
        }
        return Truncation.TruncateInRunes(rendered, MaxMessageLenRunes);
    }

    /// <summary>
    /// How the data is escaped for <paramref name="parseMode"/>: HTML is escaped by html/template already, so only
    /// mentions; MarkdownV2 and Markdown by their rules (a MarkdownV2 text with a bare <c>.</c> or <c>-</c> is refused
    /// by Telegram, so this differs from Alertmanager, which sends the data as it is); plain text only mentions.
    /// </summary>
    public static Func<string, string> Escaper(string parseMode) => parseMode switch
    {
        "MarkdownV2" => ChatText.TelegramMarkdownV2,
        "Markdown" => ChatText.TelegramMarkdown,
        _ => ChatText.Mentions,
    };

    /// <summary>URLs in text: MarkdownV2 needs its characters escaped there too; other modes take them as they are.</summary>
    public static Func<string, string> UrlEscaper(string parseMode) => parseMode == "MarkdownV2" ? ChatText.TelegramMarkdownV2 : ChatText.Unchanged;

    /// <summary>The body: telebot's sendText parameters with Alertmanager's SendOptions (web page previews always off).</summary>
    public static string Body(long chatId, string text, TelegramConfig config)
    {
        var sb = new StringBuilder(text.Length + 160);
        sb.Append("{\"chat_id\":");
        GoJson.WriteString(sb, chatId.ToString(CultureInfo.InvariantCulture));
        if (config.DisableNotifications)
        {
            sb.Append(",\"disable_notification\":\"true\"");
        }
        sb.Append(",\"disable_web_page_preview\":\"true\"");
        if (config.MessageThreadId != 0)
        {
            sb.Append(",\"message_thread_id\":");
            GoJson.WriteString(sb, config.MessageThreadId.ToString(CultureInfo.InvariantCulture));
        }
        if (config.ParseMode.Length > 0)
        {
            sb.Append(",\"parse_mode\":");
            GoJson.WriteString(sb, config.ParseMode);
        }
        sb.Append(",\"text\":");
        GoJson.WriteString(sb, text);
        sb.Append("}\n");
        return sb.ToString();
    }

    /// <summary>telebot's URL: the API URL as written, then <c>/bot&lt;token&gt;/sendMessage</c>.</summary>
    public static string Url(string apiUrl, string token) => apiUrl + "/bot" + token + "/sendMessage";
}
