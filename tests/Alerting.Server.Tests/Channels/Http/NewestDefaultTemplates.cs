namespace Alerting.Channels.Http;

/// <summary>
/// The Teams definitions of the newest Alertmanager's template/default.tmpl (Apache License 2.0, The Prometheus
/// Authors), copied unchanged. The bundled default.tmpl is 0.25's, which has none; tests load these as a
/// <c>templates:</c> file would.
/// </summary>
internal static class NewestDefaultTemplates
{
    public const string Teams = """
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
        {{ define "msteams.default.summary" }}{{ template "__subject" . }}{{ end }}
        {{ define "msteams.default.title" }}{{ template "__subject" . }}{{ end }}
        {{ define "msteams.default.text" }}
        {{ if gt (len .Alerts.Firing) 0 }}
        # Alerts Firing:
        {{ template "__text_alert_list_markdown" .Alerts.Firing }}
        {{ end }}
        {{ if gt (len .Alerts.Resolved) 0 }}
        # Alerts Resolved:
        {{ template "__text_alert_list_markdown" .Alerts.Resolved }}
        {{ end }}
        {{ end }}

        {{ define "msteamsv2.default.title" }}{{ template "__subject" . }}{{ end }}
        {{ define "msteamsv2.default.text" }}
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
}
