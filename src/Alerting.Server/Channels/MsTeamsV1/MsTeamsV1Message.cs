using System.Text;
using Alerting.Core.Notifications;

namespace Alerting.Channels.MsTeamsV1;

/// <summary>Alertmanager's MessageCard for Teams connectors, in its struct order; the theme colour follows the status.</summary>
internal static class MsTeamsV1Message
{
    public const string ColorRed = "8C1A1A";
    public const string ColorGreen = "2DC72D";

    /// <summary>The body for an already-rendered title, summary and text; nothing is cut.</summary>
    public static string Body(string title, string summary, string text, bool firing)
    {
        var sb = new StringBuilder(title.Length + summary.Length + text.Length + 128);
        sb.Append("{\"@context\":\"http://schema.org/extensions\",\"type\":\"MessageCard\",\"title\":");
        GoJson.WriteString(sb, title);
        sb.Append(",\"summary\":");
        GoJson.WriteString(sb, summary);
        sb.Append(",\"text\":");
        GoJson.WriteString(sb, text);
        sb.Append(",\"themeColor\":\"").Append(firing ? ColorRed : ColorGreen).Append("\"}\n");
        return sb.ToString();
    }
}
