using Alerting.Channels.Http;
using Alerting.Cli;
using Alerting.Core.Configuration;
using Alerting.Infrastructure;

namespace Alerting.Configuration;

/// <summary>The <c>templates:</c> files as Go templates: loaded with the configuration, refused with it when they do not parse.</summary>
public sealed class GoTemplateFilesTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir.Path, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void A_file_of_the_glob_defines_templates_beside_Alertmanagers()
    {
        Write("custom.tmpl", """{{ define "my.title" }}{{ .Status | toUpper }} {{ template "__subject" . }}{{ end }}""");

        var set = GoTemplateFiles.Load([Path.Combine(_dir.Path, "*.tmpl")]);

        Assert.Equal(
            "FIRING [FIRING:2] HighRequestLatency (webhook api-server api warning payments)",
            set.ExecuteText("""{{ template "my.title" . }}""", GoldenCaptures.Data("webhook", resolved: false)));
    }

    [Fact]
    public void A_file_that_does_not_parse_fails_the_load_with_its_path_and_line()
    {
        var bad = Write("bad.tmpl", "{{ define \"x\" }}ok{{ end }}\n{{ .Foo \n");

        var e = Assert.Throws<ConfigException>(() => GoTemplateFiles.Load([Path.Combine(_dir.Path, "*")]));

        var error = Assert.Single(e.Errors);
        Assert.Equal(bad, error.File);
        // Go's own report (amtool template render prints the same): the line where the parser stopped.
        Assert.Equal(3, error.Line);
        Assert.Equal("templates", error.Field);
        Assert.Equal("template: bad.tmpl:3: unclosed action started at bad.tmpl:2", error.Message);
    }

    [Fact]
    public void Scriban_files_of_the_same_glob_are_not_read_as_Go()
    {
        Write("slack.text.sbn", "{{ for a in alerts }}{{ a.labels.alertname }}{{ end }}");

        Assert.Same(GoTemplates.GoTemplateSet.Default, GoTemplateFiles.Load([]));
        Assert.DoesNotContain("slack.text", GoTemplateFiles.Load([Path.Combine(_dir.Path, "*")]).TemplateNames);
    }

    [Fact]
    public void Check_config_fails_on_a_template_file_that_does_not_parse()
    {
        Write("bad.tmpl", "{{ if }}\n");
        var config = Write("alerting.yml", "route:\n  receiver: r\nreceivers:\n  - name: r\ntemplates: ['*.tmpl']\n");
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        Assert.Equal(1, AlertingCli.CheckConfig([config], stdout, stderr));
        Assert.Contains("bad.tmpl:1: templates: template: bad.tmpl:1: missing value for if", stderr.ToString(), StringComparison.Ordinal);
    }
}
