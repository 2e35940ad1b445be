using System.Globalization;
using System.Text;
using Alerting.Core.Notifications;

namespace Alerting.Channels.Webhook;

/// <summary>
/// Alertmanager's webhook payload (webhook.Message, version "4"), written as Go's
/// json.NewEncoder(&amp;buf).Encode(msg) writes it: compact, fields in struct order, map keys sorted,
/// HTML characters escaped, and a trailing newline.
/// </summary>
internal static class WebhookMessage
{
    public const string Version = "4";

    /// <summary>
    /// The request body. <paramref name="maxAlerts"/> is the receiver's max_alerts: positive values keep
    /// that many alerts (see <see cref="NotificationData.Truncate"/>); zero means all.
    /// </summary>
    public static string Serialize(NotificationData data, long maxAlerts)
    {
        data = data.Truncate(maxAlerts);
        var sb = new StringBuilder(512 + (256 * data.Alerts.Count));
        sb.Append("{\"receiver\":");
        GoJson.WriteString(sb, data.Receiver);
        sb.Append(",\"status\":");
        GoJson.WriteString(sb, data.Status);
        sb.Append(",\"alerts\":[");
        for (var i = 0; i < data.Alerts.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }
            GoJson.WriteAlert(sb, data.Alerts[i]);
        }
        sb.Append("],\"groupLabels\":");
        GoJson.WriteObject(sb, data.GroupLabels);
        sb.Append(",\"commonLabels\":");
        GoJson.WriteObject(sb, data.CommonLabels);
        sb.Append(",\"commonAnnotations\":");
        GoJson.WriteObject(sb, data.CommonAnnotations);
        sb.Append(",\"externalURL\":");
        GoJson.WriteString(sb, data.ExternalUrl);
        sb.Append(",\"version\":\"").Append(Version).Append('"');
        sb.Append(",\"groupKey\":");
        GoJson.WriteString(sb, data.GroupKey);
        sb.Append(",\"truncatedAlerts\":").Append(data.TruncatedAlerts.ToString(CultureInfo.InvariantCulture));
        sb.Append("}\n");
        return sb.ToString();
    }
}
