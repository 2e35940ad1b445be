using Alerting.Core.Configuration;
using Alerting.Infrastructure;

namespace Alerting.Channels.Webex;

/// <summary>Alertmanager's WebexConfig rules: defaults, the global URL, the required authorization, each error with its line and field.</summary>
public sealed class WebexConfigTests
{
    private static string Yaml(string entry, string global = "") => $"""
        {global}route:
          receiver: r
        receivers:
          - name: r
            webex_configs:
              - {entry}
        """;

    private static WebexConfig Load(string entry, string global = "") =>
        TestConfig.Load(Yaml(entry, global), "alerting.yml").FindReceiver("r")!.Integrations<WebexConfig>()[0];

    private static IEnumerable<string> Errors(string entry, string global = "") =>
        Assert.Throws<ConfigException>(() => TestConfig.Load(Yaml(entry, global), "alerting.yml")).Errors.Select(e => e.ToString());

    [Fact]
    public void Defaults_are_Alertmanagers()
    {
        var config = Load("{room_id: r, http_config: {authorization: {credentials: t}}}");
        Assert.True(config.SendResolved);
        Assert.Equal("https://webexapis.com/v1/messages", config.ApiUrl);
        Assert.Equal("""{{ template "webex.default.message" . }}""", config.Message);
        Assert.Equal(("Bearer", "t"), config.HttpConfig.AuthorizationHeader);
        Assert.Equal("http://webex.example/m", Load("{room_id: r, http_config: {bearer_token: t}}", "global:\n  webex_api_url: http://webex.example/m\n").ApiUrl);
    }

    [Fact]
    public void Errors_name_file_line_and_field()
    {
        Assert.Contains("alerting.yml:6: receivers[0].webex_configs[0].room_id: missing room_id on webex_config", Errors("{http_config: {authorization: {credentials: t}}}"));
        Assert.Contains("alerting.yml:6: receivers[0].webex_configs[0].http_config: missing webex_configs.http_config.authorization", Errors("{room_id: r}"));
        // The global http_config does not count: Alertmanager checks the entry's own before merging.
        Assert.Contains("alerting.yml:9: receivers[0].webex_configs[0].http_config: missing webex_configs.http_config.authorization",
            Errors("{room_id: r, http_config: {follow_redirects: false}}", "global:\n  http_config:\n    authorization: {credentials: g}\n"));
        Assert.Contains("alerting.yml:1: global.webex_api_url: unsupported scheme \"\" for URL", Errors("{room_id: r}", "global: {webex_api_url: nope}\n"));
    }

    [Fact]
    public void The_token_is_masked()
    {
        var masked = TestConfig.Load(Yaml("{room_id: r, http_config: {authorization: {credentials: 'webex-SECRET'}}}"), "alerting.yml").MaskedYaml;
        Assert.DoesNotContain("SECRET", masked, StringComparison.Ordinal);
    }
}
