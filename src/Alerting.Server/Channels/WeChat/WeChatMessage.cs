using System.Text;
using Alerting.Core.Notifications;

namespace Alerting.Channels.WeChat;

/// <summary>The rendered parts of one WeChat message.</summary>
internal sealed record WeChatParts(string Content, string ToUser, string ToParty, string ToTag, string AgentId);

/// <summary>
/// Alertmanager's weChatMessage in its struct order. Both content blocks are structs, which omitempty never
/// leaves out: the block the message type does not use goes out empty (<c>"markdown":{"content":""}</c>).
/// </summary>
internal static class WeChatMessage
{
    public static string Body(WeChatParts parts, string messageType)
    {
        var markdown = messageType == "markdown";
        var sb = new StringBuilder(parts.Content.Length + 160);
        sb.Append("{\"text\":");
        Content(sb, markdown ? "" : parts.Content);
        Optional(sb, "touser", parts.ToUser);
        Optional(sb, "toparty", parts.ToParty);
        Optional(sb, "totag", parts.ToTag);
        Optional(sb, "agentid", parts.AgentId);
        sb.Append(",\"safe\":\"0\"");
        Optional(sb, "msgtype", messageType);
        sb.Append(",\"markdown\":");
        Content(sb, markdown ? parts.Content : "");
        sb.Append("}\n");
        return sb.ToString();
    }

    /// <summary>gettoken's query as url.Values.Encode writes it: keys sorted, values query-escaped.</summary>
    public static string TokenQuery(string corpId, string corpSecret) => $"corpid={QueryEscape(corpId)}&corpsecret={QueryEscape(corpSecret)}";

    /// <summary>Go's url.QueryEscape: unreserved characters stay, a space becomes '+', every other byte %XX.</summary>
    public static string QueryEscape(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var b in Encoding.UTF8.GetBytes(s))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~')
            {
                sb.Append(c);
            }
            else if (c == ' ')
            {
                sb.Append('+');
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        return sb.ToString();
    }

    private static void Content(StringBuilder sb, string content)
    {
        sb.Append("{\"content\":");
        GoJson.WriteString(sb, content);
        sb.Append('}');
    }

    private static void Optional(StringBuilder sb, string key, string value)
    {
        if (value.Length > 0)
        {
            sb.Append(",\"").Append(key).Append("\":");
            GoJson.WriteString(sb, value);
        }
    }
}
