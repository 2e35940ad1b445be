using Alerting.Core.Configuration;
using Alerting.Infrastructure;

namespace Alerting.Channels.MsTeamsV1;

/// <summary>Alertmanager's MSTeamsConfig rules: defaults, each error with its line and field, masking.</summary>
public sealed class MsTeamsV1ConfigTests
{
    private static string Yaml(string entry, string global = "") => $"""
        {global}route:
          receiver: r
        receivers:
          - name: r
            msteams_configs:
              - {entry}
        """;

    private static MsTeamsV1Config Load(string entry, string global = "") =>
        TestConfig.Load(Yaml(entry, global), "alerting.yml").FindReceiver("r")!.Integrations<MsTeamsV1Config>()[0];

    private static IEnumerable<string> Errors(string entry) =>
        Assert.Throws<ConfigException>(() => TestConfig.Load(Yaml(entry), "alerting.yml")).Errors.Select(e => e.ToString());

    [Fact]
    public void Defaults_are_Alertmanagers()
    {
        var config = Load("{webhook_url: 'https://x.example/hook'}");
        Assert.True(config.SendResolved);
        Assert.Equal("""{{ template "msteams.default.title" . }}""", config.Title);
        Assert.Equal("""{{ template "msteams.default.summary" . }}""", config.Summary);
        Assert.Equal("""{{ template "msteams.default.text" . }}""", config.Text);
    }

    [Fact]
    public void Errors_name_file_line_and_field()
    {
        Assert.Contains("alerting.yml:6: receivers[0].msteams_configs[0]: one of webhook_url or webhook_url_file must be configured", Errors("{title: x}"));
        Assert.Contains("alerting.yml:6: receivers[0].msteams_configs[0].webhook_url_file: at most one of webhook_url & webhook_url_file must be configured",
            Errors("{webhook_url: 'https://x.example/hook', webhook_url_file: /f}"));
        Assert.Contains("alerting.yml:6: receivers[0].msteams_configs[0].webhook_url: unsupported scheme \"ftp\" for URL", Errors("{webhook_url: 'ftp://x.example/'}"));
        Assert.Contains("alerting.yml:6: receivers[0].msteams_configs[0].color: field color not found (unknown field)", Errors("{webhook_url: 'https://x.example/hook', color: red}"));
    }

    [Fact]
    public void The_webhook_url_is_masked()
    {
        var masked = TestConfig.Load(Yaml("{webhook_url: 'https://x.example/hook/SECRET'}"), "alerting.yml").MaskedYaml;
        Assert.DoesNotContain("SECRET", masked, StringComparison.Ordinal);
        Assert.Contains("webhook_url: <secret>", masked, StringComparison.Ordinal);
    }

    [Fact]
    public void The_global_http_config_applies_when_the_entry_has_none()
    {
        var global = "global:\n  http_config:\n    proxy_url: http://proxy.example:3128\n";
        Assert.Equal("http://proxy.example:3128", Load("{webhook_url: 'https://x.example/hook'}", global).HttpConfig.ProxyUrl);
        Assert.Null(Load("{webhook_url: 'https://x.example/hook', http_config: {follow_redirects: false}}", global).HttpConfig.ProxyUrl);
    }
}
