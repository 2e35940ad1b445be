using System.Text;
using Alerting.Core.Notifications;
using Alerting.GoTemplates;

namespace Alerting.Channels.Http;

/// <summary>
/// The definitions Alertmanager 0.34's template/default.tmpl adds for Jira, Rocket.Chat and Mattermost, verbatim
/// (Apache-2.0, Copyright The Prometheus Authors). The engine bundles 0.25's default.tmpl, which lacks them; loaded
/// as a user file they let the default-template tests run until it bundles 0.34's.
/// </summary>
internal static class Alertmanager034Templates
{
    public const string Text = """
        {{ define "__text_alert_list_markdown" }}{{ range . }}
        Labels:
        {{ range .Labels.SortedPairs }}  - {{ .Name }} = {{ .Value }}
        {{ end }}
        Annotations:
        {{ range .Annotations.SortedPairs }}  - {{ .Name }} = {{ .Value }}
        {{ end }}
        Source: {{ .GeneratorURL }}
        {{ end }}
        {{ end }}

        {{ define "jira.default.summary" }}{{ template "__subject" . }}{{ end }}
        {{ define "jira.default.description" }}
        {{ if gt (len .Alerts.Firing) 0 }}
        # Alerts Firing:
        {{ template "__text_alert_list_markdown" .Alerts.Firing }}
        {{ end }}
        {{ if gt (len .Alerts.Resolved) 0 }}
        # Alerts Resolved:
        {{ template "__text_alert_list_markdown" .Alerts.Resolved }}
        {{ end }}
        {{ end }}

        {{- define "jira.default.priority" -}}
        {{- $priority := "" }}
        {{- range .Alerts.Firing -}}
            {{- $severity := index .Labels "severity" -}}
            {{- if (eq $severity "critical") -}}
                {{- $priority = "High" -}}
            {{- else if (and (eq $severity "warning") (ne $priority "High")) -}}
                {{- $priority = "Medium" -}}
            {{- else if (and (eq $severity "info") (eq $priority "")) -}}
                {{- $priority = "Low" -}}
            {{- end -}}
        {{- end -}}
        {{- if eq $priority "" -}}
            {{- range .Alerts.Resolved -}}
                {{- $severity := index .Labels "severity" -}}
                {{- if (eq $severity "critical") -}}
                    {{- $priority = "High" -}}
                {{- else if (and (eq $severity "warning") (ne $priority "High")) -}}
                    {{- $priority = "Medium" -}}
                {{- else if (and (eq $severity "info") (eq $priority "")) -}}
                    {{- $priority = "Low" -}}
                {{- end -}}
            {{- end -}}
        {{- end -}}
        {{- $priority -}}
        {{- end -}}

        {{ define "rocketchat.default.title" }}{{ template "__subject" . }}{{ end }}
        {{ define "rocketchat.default.alias" }}{{ template "__alertmanager" . }}{{ end }}
        {{ define "rocketchat.default.titlelink" }}{{ template "__alertmanagerURL" . }}{{ end }}
        {{ define "rocketchat.default.emoji" }}{{ end }}
        {{ define "rocketchat.default.iconurl" }}{{ end }}
        {{ define "rocketchat.default.text" }}{{ end }}

        {{ define "mattermost.default.color" }}{{ if eq .Status "firing" }}danger{{ else }}good{{ end }}{{ end }}
        {{ define "mattermost.default.username" }}{{ template "__alertmanager" . }}{{ end }}
        {{ define "mattermost.default.title" }}{{ template "__subject" . }}{{ end }}
        {{ define "mattermost.default.titlelink" }}{{ template "__alertmanagerURL" . }}{{ end }}
        {{ define "mattermost.default.fallback" }}{{ template "mattermost.default.title" . }} | {{ template "mattermost.default.titlelink" . }}{{ end }}
        {{ define "mattermost.default.text" }}
        {{ if gt (len .Alerts.Firing) 0 }}
        # Alerts Firing:
        {{ template "__text_alert_list_markdown" .Alerts.Firing }}
        {{ end }}
        {{ if gt (len .Alerts.Resolved) 0 }}
        # Alerts Resolved:
        {{ template "__text_alert_list_markdown" .Alerts.Resolved }}
        {{ end }}
        {{ end }}
        """;

    /// <summary>The bundled templates with the 0.34 definitions above.</summary>
    public static readonly GoTemplateSet Set = GoTemplateSet.Load([new TemplateSource("alertmanager-0.34-default.tmpl", Text)]);

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
