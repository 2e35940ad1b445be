using System.Text;
using Alerting.Core.Notifications;

namespace Alerting.Channels.MsTeamsV2;

/// <summary>
/// Alertmanager's message for Power Automate's "post to a channel when a webhook request is received": one
/// Adaptive Card 1.2 with a heading (coloured by status) and a text block, in its struct order.
/// </summary>
internal static class MsTeamsV2Message
{
    public const string ColorRed = "Attention";
    public const string ColorGreen = "Good";

    /// <summary>The body for an already-rendered title and text; nothing is cut.</summary>
    public static string Body(string title, string text, bool firing)
    {
        var sb = new StringBuilder(title.Length + text.Length + 400);
        sb.Append("{\"type\":\"message\",\"attachments\":[{\"contentType\":\"application/vnd.microsoft.card.adaptive\",\"contentUrl\":null,")
            .Append("\"content\":{\"$schema\":\"http://adaptivecards.io/schemas/adaptive-card.json\",\"type\":\"AdaptiveCard\",\"version\":\"1.2\",")
            .Append("\"body\":[{\"type\":\"TextBlock\",\"text\":");
        GoJson.WriteString(sb, title);
        sb.Append(",\"weight\":\"Bolder\",\"size\":\"Medium\",\"wrap\":true,\"style\":\"heading\",\"color\":\"").Append(firing ? ColorRed : ColorGreen).Append("\"}");
        // Weight, size, style and colour are empty here and omitempty leaves them out.
        sb.Append(",{\"type\":\"TextBlock\",\"text\":");
        GoJson.WriteString(sb, text);
        sb.Append(",\"wrap\":true}],\"msteams\":{\"width\":\"full\"}}}]}\n");
        return sb.ToString();
    }
}
