using System.Diagnostics;
using Alerting.Infrastructure;

namespace Alerting.Cli;

/// <summary><c>alerting template render</c> with amtool's flags, next to the real <c>amtool template render</c> 0.25.</summary>
public sealed class GoTemplateRenderTests : IDisposable
{
    /// <summary>Debian's amtool does not embed Alertmanager's templates; they are passed to both, as files.</summary>
    private const string AlertmanagerTemplates = "/usr/share/prometheus/alertmanager/*.tmpl";

    private readonly TempDirectory _dir = new("alerting-gotpl-");

    public void Dispose() => _dir.Dispose();

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir.Path, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static (int Code, string Stdout, string Stderr) Ours(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = TemplateCommand.Run(["render", .. args], stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static async Task<(int Code, string Stdout, string Stderr)> AmtoolAsync(params string[] args)
    {
        var psi = new ProcessStartInfo(Tools.Require("amtool")) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])["template", "render", .. args])
        {
            psi.ArgumentList.Add(arg);
        }
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>The same exit status and output; for an error, the same message after "error: ".</summary>
    private static async Task AssertSameAsync(params string[] args)
    {
        args = [$"--template.glob={AlertmanagerTemplates}", .. args];
        var theirs = await AmtoolAsync(args);
        var ours = Ours(args);
        Assert.Equal(theirs.Code, ours.Code);
        Assert.Equal(theirs.Stdout, ours.Stdout);
        Assert.Equal(Message(theirs.Stderr), Message(ours.Stderr));

        static string Message(string stderr) => stderr.Length == 0 ? "" : stderr[(stderr.IndexOf("error: ", StringComparison.Ordinal) + 7)..].Trim();
    }

    private const string Data = """
        {"receiver": "team\\.a", "status": "firing", "externalURL": "http://am.example:9093",
         "groupLabels": {"alertname": "DiskFull"}, "commonLabels": {"alertname": "DiskFull", "severity": "critical"},
         "commonAnnotations": {"summary": "disk <full> & \"more\""},
         "alerts": [
           {"status": "firing", "labels": {"alertname": "DiskFull", "instance": "db-1", "severity": "critical"},
            "annotations": {"summary": "disk <full> & \"more\""}, "startsAt": "2025-05-01T12:00:00.123Z", "endsAt": "0001-01-01T00:00:00Z",
            "generatorURL": "http://prometheus/graph?g0.expr=up&g0.tab=1", "fingerprint": "0123456789abcdef"},
           {"status": "resolved", "labels": {"alertname": "DiskFull", "instance": "db-2", "severity": "critical"},
            "annotations": {}, "startsAt": "2025-05-01T11:00:00+02:00", "endsAt": "2025-05-01T11:30:00Z", "generatorURL": "javascript:alert(1)"}
         ]}
        """;

    [RequiresToolFact("amtool")]
    public async Task Renders_as_amtool_does_with_its_example_data()
    {
        await AssertSameAsync("--template.text={{ template \"slack.default.title\" . }} {{ template \"__alertmanagerURL\" . }}");
        await AssertSameAsync("--template.text={{ range .Alerts }}{{ .Labels.SortedPairs }} {{ .Annotations.Values | join \",\" }}|{{ end }}{{ .CommonLabels.Names }}");
        await AssertSameAsync("--template.text={{ template \"email.default.html\" . }}", "--template.type=html");
    }

    [RequiresToolFact("amtool")]
    public async Task Renders_as_amtool_does_with_template_files_and_data()
    {
        var data = Write("data.json", Data);
        var file = Write("mine.tmpl", """
            {{ define "mine.title" }}[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }} ({{ .Alerts.Firing | len }}){{ end }}
            {{ define "mine.html" }}<a href="{{ .ExternalURL }}/x?r={{ .Receiver }}" title="{{ .CommonAnnotations.summary }}">{{ .CommonAnnotations.summary }}</a>{{ range .Alerts }}<a href="{{ .GeneratorURL }}">{{ .StartsAt }}</a>{{ end }}{{ end }}
            """);
        await AssertSameAsync($"--template.glob={file}", $"--template.data={data}", "--template.text={{ template \"mine.title\" . }}");
        await AssertSameAsync($"--template.glob={file}", $"--template.data={data}", "--template.text={{ template \"mine.html\" . }}", "--template.type=html");
        await AssertSameAsync($"--template.data={data}", "--template.text={{ range .Alerts }}{{ .StartsAt }} {{ .EndsAt.Format \"2006-01-02\" }} {{ .Fingerprint }}\n{{ end }}");
        await AssertSameAsync($"--template.data={data}", "--template.text={{ template \"email.default.html\" . }}", "--template.type=html");
        await AssertSameAsync($"--template.data={data}", "--template.text={{ template \"__text_alert_list\" .Alerts }}");
    }

    [RequiresToolFact("amtool")]
    public async Task Fails_as_amtool_does()
    {
        var broken = Write("broken.tmpl", "{{ define \"x\" }}{{ if .Status }}{{ end }");
        await AssertSameAsync("--template.text={{ .Nope }}");
        await AssertSameAsync("--template.text={{ index .Alerts 5 }}");
        await AssertSameAsync("--template.text={{ template \"missing\" . }}");
        await AssertSameAsync("--template.text={{ .Status ");
        await AssertSameAsync($"--template.glob={broken}", "--template.text=x");
        await AssertSameAsync("--template.text=x", "--template.type=markdown");
    }

    [Fact]
    public void Without_globs_Alertmanagers_templates_are_there_and_output_has_no_newline_added()
    {
        var (code, stdout, stderr) = Ours("--template.text", "{{ template \"email.default.subject\" . }}");
        Assert.Equal(("", 0), (stderr, code));
        Assert.Equal("[ALERTSTATUS] grouplabelvalue1 grouplabelvalue2 ", stdout); // as amtool prints it, trailing space included
    }

    [Fact]
    public void Errors_go_to_stderr_with_exit_status_1()
    {
        Assert.Equal((1, "", "alerting: error: required flag --template.text not provided\n"), Ours("--template.glob=x"));
        var (code, stdout, stderr) = Ours("--template.text=x", $"--template.data={Path.Combine(_dir.Path, "none.json")}");
        Assert.Equal((1, ""), (code, stdout));
        Assert.StartsWith("alerting: error: open ", stderr, StringComparison.Ordinal);
        var bad = Ours("--template.text=x", $"--template.data={Write("bad.json", "{bad")}");
        Assert.Equal(1, bad.Code);
        Assert.Contains("--template.data: invalid JSON", bad.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void The_Scriban_flags_still_render_our_templates()
    {
        var (code, stdout, _) = Ours("--template", "slack.title");
        Assert.Equal(0, code);
        Assert.Equal("[FIRING:1] DiskFull (critical)\n", stdout);
    }

    [Fact]
    public void Help_shows_both_kinds_of_flags()
    {
        var (code, stdout, _) = Ours("--help");
        Assert.Equal(0, code);
        Assert.Contains("--template.text", stdout, StringComparison.Ordinal);
        Assert.Contains("--time-zone", stdout, StringComparison.Ordinal);
    }
}
