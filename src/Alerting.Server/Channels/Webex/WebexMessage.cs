using System.Text;
using Alerting.Channels.Http;
using Alerting.Core.Notifications;

namespace Alerting.Channels.Webex;

/// <summary>Alertmanager's Webex message: markdown cut to Webex's limit in bytes, and the room.</summary>
internal static class WebexMessage
{
    /// <summary>Webex's limit on a message, in UTF-8 bytes.</summary>
    public const int MaxMessageSize = 7439;

    /// <summary>The body for an already-rendered message and room id; the room is left out when it renders empty.</summary>
    public static string Body(string message, string roomId)
    {
        var sb = new StringBuilder(message.Length + roomId.Length + 32);
        sb.Append("{\"markdown\":");
        GoJson.WriteString(sb, Truncation.TruncateInBytes(message, MaxMessageSize).Text);
        if (roomId.Length > 0)
        {
            sb.Append(",\"roomId\":");
            GoJson.WriteString(sb, roomId);
        }
        sb.Append("}\n");
        return sb.ToString();
    }
}
