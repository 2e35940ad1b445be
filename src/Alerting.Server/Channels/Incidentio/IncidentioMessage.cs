using System.Globalization;
using System.Text;
using Alerting.Core.Notifications;

namespace Alerting.Channels.Incidentio;

/// <summary>
/// Alertmanager 0.34's incident.io message: its template.Data (with <c>notification_reason</c> and <c>routeLabels</c>,
/// added in 0.32 and 0.34) then version "1", groupKey and truncatedAlerts, as Go's encoder writes them.
/// </summary>
internal static class IncidentioMessage
{
    /// <summary>incident.io's limit on a payload.</summary>
    public const int MaxPayloadBytes = 512 * 1024;

    /// <summary>
    /// The body for <paramref name="data"/> (already cut to max_alerts). Over <see cref="MaxPayloadBytes"/> only the
    /// first alert is kept, status, common labels and truncatedAlerts unchanged, and it is sent even if still too big.
    /// </summary>
    public static string Serialize(NotificationData data, string? reason)
    {
        var body = Write(data, data.Alerts, reason);
        return Encoding.UTF8.GetByteCount(body) <= MaxPayloadBytes || data.Alerts.Count == 0 ? body : Write(data, [data.Alerts[0]], reason);
    }

    /// <summary>Alertmanager's NotifyReason.String() for the reason our notification log gives.</summary>
    public static string NotificationReason(string? reason) => reason switch
    {
        "first notification" => "first notification",
        "new firing alerts" => "new alerts added",
        "alerts resolved" => "some alerts resolved",
        "all alerts resolved" => "all alerts resolved",
        { } r when r.StartsWith("repeat_interval", StringComparison.Ordinal) => "repeat interval elapsed",
        _ => "unknown",
    };

    private static string Write(NotificationData data, IReadOnlyList<NotificationAlert> alerts, string? reason)
    {
        var sb = new StringBuilder(512 + (256 * alerts.Count));
        sb.Append("{\"receiver\":");
        GoJson.WriteString(sb, data.Receiver);
        sb.Append(",\"status\":");
        GoJson.WriteString(sb, data.Status);
        sb.Append(",\"alerts\":[");
        for (var i = 0; i < alerts.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }
            GoJson.WriteAlert(sb, alerts[i]);
        }
        sb.Append("],\"notification_reason\":");
        GoJson.WriteString(sb, NotificationReason(reason));
        sb.Append(",\"groupLabels\":");
        GoJson.WriteObject(sb, data.GroupLabels);
        sb.Append(",\"commonLabels\":");
        GoJson.WriteObject(sb, data.CommonLabels);
        sb.Append(",\"commonAnnotations\":");
        GoJson.WriteObject(sb, data.CommonAnnotations);
        // Routes have no labels here, so Alertmanager's would be empty too.
        sb.Append(",\"routeLabels\":{},\"externalURL\":");
        GoJson.WriteString(sb, data.ExternalUrl);
        sb.Append(",\"version\":\"1\",\"groupKey\":");
        GoJson.WriteString(sb, data.GroupKey);
        sb.Append(",\"truncatedAlerts\":").Append(data.TruncatedAlerts.ToString(CultureInfo.InvariantCulture));
        sb.Append("}\n");
        return sb.ToString();
    }
}
