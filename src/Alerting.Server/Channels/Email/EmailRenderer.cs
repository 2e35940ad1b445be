using System.Globalization;
using System.Net;
using System.Text;
using Alerting.Core.Labels;
using Alerting.Core.Notifications;
using Alerting.Templating;

namespace Alerting.Channels.Email;

/// <summary>
/// The built-in default email: a subject as Alertmanager's <c>email.default.subject</c>
/// (<c>[FIRING:2] DiskFull eu1 (critical)</c>) and a plain-text and an HTML body listing every alert with its
/// labels, annotations, start (and end) time and source, plus the group's action links. Every value that came
/// from an alert is HTML-escaped in the HTML part. The templating engine replaces this with the channel's
/// templates; this stays as the fallback that cannot fail.
/// </summary>
internal sealed class EmailRenderer(Func<NotificationData, ActionLinks?, EmailContent>? templates = null)
{
    public static readonly EmailRenderer Default = new();

    private const string TimeFormat = "yyyy-MM-dd HH:mm:ss 'UTC'";

    /// <summary>The configured templates when there are any (they fall back on their own), else the built-in message.</summary>
    public EmailContent Render(NotificationData data, ActionLinks? links) =>
        templates?.Invoke(data, links) ?? new EmailContent(Subject(data), Text(data, links), Html(data, links));

    /// <summary>Alertmanager's <c>__subject</c>, in C#.</summary>
    public static string Subject(NotificationData data) => PlainText.Subject(data);

    internal static string Text(NotificationData data, ActionLinks? links)
    {
        var sb = new StringBuilder();
        sb.Append(Headline(data)).Append("\n\n");
        if (links is not null)
        {
            sb.Append("View: ").Append(links.View).Append('\n');
            sb.Append("Silence 1h: ").Append(links.Silence1h).Append('\n');
            sb.Append("Silence 4h: ").Append(links.Silence4h).Append('\n');
            sb.Append("Silence 24h: ").Append(links.Silence24h).Append('\n');
            sb.Append("Acknowledge: ").Append(links.Acknowledge).Append('\n');
            sb.Append('\n');
        }
        foreach (var (title, alerts) in Sections(data))
        {
            sb.Append(CultureInfo.InvariantCulture, $"[{alerts.Count}] {title}\n");
            foreach (var alert in alerts)
            {
                sb.Append('\n');
                sb.Append("Labels:\n");
                AppendPairs(sb, alert.Labels);
                if (alert.Annotations.Count > 0)
                {
                    sb.Append("Annotations:\n");
                    AppendPairs(sb, alert.Annotations);
                }
                sb.Append("Started: ").Append(Time(alert.StartsAt)).Append('\n');
                if (!alert.IsFiring)
                {
                    sb.Append("Ended: ").Append(Time(alert.EndsAt)).Append('\n');
                }
                if (!string.IsNullOrEmpty(alert.GeneratorUrl))
                {
                    sb.Append("Source: ").Append(alert.GeneratorUrl).Append('\n');
                }
            }
            sb.Append('\n');
        }
        if (data.TruncatedAlerts > 0)
        {
            sb.Append(CultureInfo.InvariantCulture, $"and {data.TruncatedAlerts} more\n\n");
        }
        if (!string.IsNullOrEmpty(data.ExternalUrl))
        {
            sb.Append("Sent by Alerting: ").Append(data.ExternalUrl).Append('\n');
        }
        return sb.ToString();

        static void AppendPairs(StringBuilder sb, LabelSet pairs)
        {
            foreach (var (name, value) in pairs)
            {
                sb.Append(" - ").Append(name).Append(" = ").Append(value).Append('\n');
            }
        }
    }

    internal static string Html(NotificationData data, ActionLinks? links)
    {
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"UTF-8\">\n<meta name=\"viewport\" content=\"width=device-width\">\n");
        sb.Append("<title>").Append(E(Subject(data))).Append("</title>\n</head>\n");
        sb.Append("<body style=\"margin:0;padding:16px;background:#f6f6f6;font-family:Helvetica,Arial,sans-serif;font-size:14px;color:#333\">\n");
        var color = data.Status == NotificationStatus.Firing ? "#e45959" : "#68b90f";
        sb.Append(CultureInfo.InvariantCulture, $"<div style=\"max-width:640px;margin:0 auto;background:#fff;border:1px solid #e9e9e9;border-radius:3px\">\n");
        sb.Append(CultureInfo.InvariantCulture, $"<div style=\"background:{color};color:#fff;padding:16px;font-size:16px\">{E(Headline(data))}</div>\n");
        sb.Append("<div style=\"padding:16px\">\n");
        if (links is not null)
        {
            sb.Append("<p>");
            AppendLink(sb, links.View, "View");
            sb.Append(" &middot; Silence ");
            AppendLink(sb, links.Silence1h, "1h");
            sb.Append(' ');
            AppendLink(sb, links.Silence4h, "4h");
            sb.Append(' ');
            AppendLink(sb, links.Silence24h, "24h");
            sb.Append(" &middot; ");
            AppendLink(sb, links.Acknowledge, "Acknowledge");
            sb.Append("</p>\n");
        }
        foreach (var (title, alerts) in Sections(data))
        {
            sb.Append(CultureInfo.InvariantCulture, $"<h3 style=\"margin:16px 0 8px\">[{alerts.Count}] {E(title)}</h3>\n");
            foreach (var alert in alerts)
            {
                sb.Append("<div style=\"border-top:1px solid #e9e9e9;padding:8px 0\">\n");
                sb.Append("<strong>Labels</strong><br>\n");
                AppendPairs(sb, alert.Labels);
                if (alert.Annotations.Count > 0)
                {
                    sb.Append("<strong>Annotations</strong><br>\n");
                    AppendPairs(sb, alert.Annotations);
                }
                sb.Append("Started: ").Append(E(Time(alert.StartsAt))).Append("<br>\n");
                if (!alert.IsFiring)
                {
                    sb.Append("Ended: ").Append(E(Time(alert.EndsAt))).Append("<br>\n");
                }
                if (!string.IsNullOrEmpty(alert.GeneratorUrl))
                {
                    AppendLink(sb, alert.GeneratorUrl, "Source");
                    sb.Append("<br>\n");
                }
                sb.Append("</div>\n");
            }
        }
        if (data.TruncatedAlerts > 0)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<p>and {data.TruncatedAlerts} more</p>\n");
        }
        sb.Append("</div>\n</div>\n");
        if (!string.IsNullOrEmpty(data.ExternalUrl))
        {
            sb.Append("<p style=\"text-align:center;color:#999;font-size:12px\">Sent by ");
            AppendLink(sb, data.ExternalUrl, "Alerting");
            sb.Append("</p>\n");
        }
        sb.Append("</body>\n</html>\n");
        return sb.ToString();

        static void AppendPairs(StringBuilder sb, LabelSet pairs)
        {
            foreach (var (name, value) in pairs)
            {
                sb.Append("&nbsp;&nbsp;").Append(E(name)).Append(" = ").Append(E(value)).Append("<br>\n");
            }
        }
    }

    /// <summary>
    /// A link when <paramref name="url"/> is http(s); anything else (a <c>javascript:</c> generator URL) is shown
    /// as escaped text, never as an href.
    /// </summary>
    private static void AppendLink(StringBuilder sb, string url, string text)
    {
        if (Uri.TryCreate(url, UriKind.Absolute, out var parsed) && (parsed.Scheme == Uri.UriSchemeHttp || parsed.Scheme == Uri.UriSchemeHttps))
        {
            sb.Append("<a href=\"").Append(E(url)).Append("\">").Append(E(text)).Append("</a>");
        }
        else
        {
            sb.Append(E(text)).Append(": ").Append(E(url));
        }
    }

    /// <summary>"2 alerts for alertname=DiskFull cluster=eu1", as Alertmanager's default email.</summary>
    private static string Headline(NotificationData data)
    {
        var count = data.Alerts.Count + data.TruncatedAlerts;
        var headline = count == 1 ? "1 alert" : $"{count.ToString(CultureInfo.InvariantCulture)} alerts";
        if (data.GroupLabels.Count > 0)
        {
            headline += " for " + string.Join(' ', data.GroupLabels.Select(p => $"{p.Key}={p.Value}"));
        }
        return OneLine(headline);
    }

    private static IEnumerable<(string Title, List<NotificationAlert> Alerts)> Sections(NotificationData data)
    {
        var firing = data.Firing.ToList();
        var resolved = data.Resolved.ToList();
        if (firing.Count > 0)
        {
            yield return ("Firing", firing);
        }
        if (resolved.Count > 0)
        {
            yield return ("Resolved", resolved);
        }
    }

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    private static string E(string s) => WebUtility.HtmlEncode(s);

    private static string OneLine(string s) => s.ReplaceLineEndings(" ");
}
