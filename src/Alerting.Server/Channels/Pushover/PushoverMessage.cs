using System.Globalization;
using Alerting.Channels.Http;

namespace Alerting.Channels.Pushover;

/// <summary>The query of one Pushover message, and which of its parts were cut to Pushover's limits.</summary>
internal sealed record PushoverQuery(string Query, IReadOnlyList<string> Truncated);

/// <summary>
/// Alertmanager's Pushover request: every parameter in the query string of an empty POST (url.Values, so sorted
/// by key), title at most 250 runes, message 1024 (trimmed; "(no details)" when empty), URL 512.
/// </summary>
internal static class PushoverMessage
{
    public const string ApiUrl = "https://api.pushover.net/1/messages.json";
    public const int MaxTitleRunes = 250;
    public const int MaxMessageRunes = 1024;
    public const int MaxUrlRunes = 512;

    /// <param name="tmpl">Text templates (notify.TmplText).</param>
    /// <param name="html">HTML templates (notify.TmplHTML), for the message when <c>html: true</c>.</param>
    public static PushoverQuery Build(PushoverConfig config, string token, string userKey, Func<string, string> tmpl, Func<string, string> html)
    {
        var truncated = new List<string>();
        var parameters = new GoUrlValues()
            .Add("token", tmpl(token))
            .Add("user", tmpl(userKey));

        var (title, cut) = Truncation.TruncateInRunes(tmpl(config.Title), MaxTitleRunes);
        Note(truncated, cut, "title");
        parameters.Add("title", title);

        string message;
        if (config.Html)
        {
            parameters.Add("html", "1");
            message = html(config.Message);
        }
        else
        {
            message = tmpl(config.Message);
        }
        if (config.Monospace)
        {
            parameters.Add("monospace", "1");
        }
        (message, cut) = Truncation.TruncateInRunes(message, MaxMessageRunes);
        Note(truncated, cut, "message");
        message = message.Trim();
        parameters.Add("message", message.Length == 0 ? "(no details)" : message);

        var (url, urlCut) = Truncation.TruncateInRunes(tmpl(config.Url), MaxUrlRunes);
        Note(truncated, urlCut, "url");
        parameters.Add("url", url);
        parameters.Add("url_title", tmpl(config.UrlTitle));
        parameters.Add("priority", tmpl(config.Priority));
        parameters.Add("retry", Seconds(config.Retry));
        parameters.Add("expire", Seconds(config.Expire));
        // Newer Alertmanagers send device even when empty; 0.25 had no device, and an empty one means "all devices".
        if (tmpl(config.Device) is { Length: > 0 } device)
        {
            parameters.Add("device", device);
        }
        parameters.Add("sound", tmpl(config.Sound));
        if (config.Ttl.Ticks / TimeSpan.TicksPerSecond is > 0 and var ttl)
        {
            parameters.Add("ttl", ttl.ToString(CultureInfo.InvariantCulture));
        }
        return new(parameters.Encode(), truncated);
    }

    private static string Seconds(TimeSpan t) => (t.Ticks / TimeSpan.TicksPerSecond).ToString(CultureInfo.InvariantCulture);

    private static void Note(List<string> truncated, bool cut, string part)
    {
        if (cut)
        {
            truncated.Add(part);
        }
    }
}
