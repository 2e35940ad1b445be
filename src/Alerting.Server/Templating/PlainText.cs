using System.Globalization;
using System.Text;
using Alerting.Core.Notifications;

namespace Alerting.Templating;

/// <summary>Texts that cannot fail, for a message whose templates all failed.</summary>
internal static class PlainText
{
    /// <summary>
    /// Alertmanager's <c>__subject</c>: status (with the firing count), the group label values, and in
    /// parentheses the common label values that are not group labels, all in label-name order; on one line.
    /// </summary>
    public static string Subject(NotificationData data)
    {
        var sb = new StringBuilder("[").Append(data.Status.ToUpperInvariant());
        if (data.Status == NotificationStatus.Firing)
        {
            sb.Append(':').Append(data.Firing.Count().ToString(CultureInfo.InvariantCulture));
        }
        sb.Append("] ").Append(string.Join(' ', data.GroupLabels.Values));
        var extra = data.CommonLabels.Where(p => !data.GroupLabels.ContainsKey(p.Key)).Select(p => p.Value).ToList();
        if (extra.Count > 0)
        {
            sb.Append(" (").Append(string.Join(' ', extra)).Append(')');
        }
        return sb.ToString().Trim().ReplaceLineEndings(" ");
    }
}
