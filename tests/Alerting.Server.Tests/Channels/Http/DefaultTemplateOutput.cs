using System.Text;
using Alerting.Core.Notifications;

namespace Alerting.Channels.Http;

/// <summary>What Alertmanager's Markdown default templates give, written out from their definitions in default.tmpl.</summary>
internal static class DefaultTemplateOutput
{
    /// <summary>What <c>__text_alert_list_markdown</c> gives for <paramref name="alerts"/>, written out from its definition.</summary>
    public static string AlertListMarkdown(IEnumerable<NotificationAlert> alerts)
    {
        var sb = new StringBuilder();
        foreach (var a in alerts)
        {
            sb.Append("\nLabels:\n");
            foreach (var (name, value) in a.Labels)
            {
                sb.Append($"  - {name} = {value}\n");
            }
            sb.Append("\nAnnotations:\n");
            foreach (var (name, value) in a.Annotations)
            {
                sb.Append($"  - {name} = {value}\n");
            }
            sb.Append($"\nSource: {a.GeneratorUrl}\n");
        }
        return sb.Append('\n').ToString();
    }

    /// <summary>jira.default.description and mattermost.default.text: the firing list, then the resolved one.</summary>
    public static string AlertsMarkdown(NotificationData data)
    {
        var firing = data.Firing.Any() ? "\n# Alerts Firing:\n" + AlertListMarkdown(data.Firing) + "\n" : "";
        var resolved = data.Resolved.Any() ? "\n# Alerts Resolved:\n" + AlertListMarkdown(data.Resolved) + "\n" : "";
        return "\n" + firing + "\n" + resolved + "\n";
    }
}
