using Alerting.Core.Configuration;
using Alerting.Infrastructure;

namespace Alerting.Channels.MsTeamsV2;

/// <summary>Alertmanager's MSTeamsV2Config rules: defaults, each error with its line and field, masking.</summary>
public sealed class MsTeamsV2ConfigTests
{
    private static string Yaml(string entry, string global = "") => $"""
        {global}route:
          receiver: r
        receivers:
          - name: r
            msteamsv2_configs:
              - {entry}
        """;

    private static MsTeamsV2Config Load(string entry, string global = "") =>
        TestConfig.Load(Yaml(entry, global), "alerting.yml").FindReceiver("r")!.Integrations<MsTeamsV2Config>()[0];

    private static IEnumerable<string> Errors(string entry) =>
        Assert.Throws<ConfigException>(() => TestConfig.Load(Yaml(entry), "alerting.yml")).Errors.Select(e => e.ToString());

    [Fact]
    public void Defaults_are_Alertmanagers()
    {
        var config = Load("{webhook_url: 'https://x.example/hook'}");
        Assert.True(config.SendResolved);
        Assert.Equal("""{{ template "msteamsv2.default.title" . }}""", config.Title);
        Assert.Equal("""{{ template "msteamsv2.default.text" . }}""", config.Text);
    }

    [Fact]
    public void Errors_name_file_line_and_field()
    {
        Assert.Contains("alerting.yml:6: receivers[0].msteamsv2_configs[0]: one of webhook_url or webhook_url_file must be configured", Errors("{title: x}"));
        Assert.Contains("alerting.yml:6: receivers[0].msteamsv2_configs[0].webhook_url_file: at most one of webhook_url & webhook_url_file must be configured",
            Errors("{webhook_url: 'https://x.example/hook', webhook_url_file: /f}"));
        Assert.Contains("alerting.yml:6: receivers[0].msteamsv2_configs[0].webhook_url: unsupported scheme \"ftp\" for URL", Errors("{webhook_url: 'ftp://x.example/'}"));
        Assert.Contains("alerting.yml:6: receivers[0].msteamsv2_configs[0].color: field color not found (unknown field)", Errors("{webhook_url: 'https://x.example/hook', color: red}"));
    }

    [Fact]
    public void The_webhook_url_is_masked()
    {
        var masked = TestConfig.Load(Yaml("{webhook_url: 'https://x.example/hook/SECRET'}"), "alerting.yml").MaskedYaml;
        Assert.DoesNotContain("SECRET", masked, StringComparison.Ordinal);
        Assert.Contains("webhook_url: <secret>", masked, StringComparison.Ordinal);
    }

    [Fact]
    public void An_entry_http_config_without_a_proxy_takes_the_global_proxy()
    {
        var global = "global:\n  http_config:\n    proxy_url: http://proxy.example:3128\n    follow_redirects: false\n";
        var own = Load("{webhook_url: 'https://x.example/hook', http_config: {authorization: {credentials: t}}}", global).HttpConfig;
        Assert.Equal("http://proxy.example:3128", own.ProxyUrl);
        Assert.True(own.FollowRedirects); // only the proxy is inherited
        Assert.Equal("http://own.example:1", Load("{webhook_url: 'https://x.example/hook', http_config: {proxy_url: 'http://own.example:1'}}", global).HttpConfig.ProxyUrl);
        Assert.False(Load("{webhook_url: 'https://x.example/hook'}", global).HttpConfig.FollowRedirects);
    }
}
