using Alerting.Channels.Http;

namespace Alerting.Channels.Incidentio;

public sealed class IncidentioConfigTests
{
    private const string Url = "url: 'https://api.incident.io/v2/alert_events/http/01ABC'";

    [Theory]
    [InlineData("1m30s", 90_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("300ms", 300)]
    [InlineData("2h", 7_200_000)]
    [InlineData("0", 0)]
    [InlineData("5000000000", 5_000)] // an integer is nanoseconds, as yaml.v2 decodes a time.Duration
    public void Timeout_is_a_Go_duration(string timeout, int milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), AlertSamples.Single<IncidentioConfig>($"    incidentio_configs:\n      - {{{Url}, alert_source_token: t, timeout: {timeout}}}\n").Timeout);

    [Fact]
    public void Keys_and_defaults()
    {
        var config = AlertSamples.Single<IncidentioConfig>($"    incidentio_configs:\n      - {{{Url}, alert_source_token_file: /run/token, max_alerts: 5}}\n");
        Assert.True(config.SendResolved);
        Assert.Equal(("/run/token", 5L, TimeSpan.Zero), (config.AlertSourceTokenFile, config.MaxAlerts, config.Timeout));
        // Neither a token nor an http_config of its own: Alertmanager accepts it (the global http_config may authorize).
        Assert.Null(AlertSamples.Single<IncidentioConfig>($"    incidentio_configs:\n      - {{{Url}}}\n").AlertSourceToken);
    }

    [Theory]
    [InlineData("- {alert_source_token: t}", "receivers[0].incidentio_configs[0]: one of url or url_file must be configured")]
    [InlineData("- {" + Url + ", url_file: /f, alert_source_token: t}", "receivers[0].incidentio_configs[0].url_file: at most one of url & url_file must be configured")]
    [InlineData("- {" + Url + ", alert_source_token: t, alert_source_token_file: /f}", "receivers[0].incidentio_configs[0].alert_source_token_file: at most one of alert_source_token & alert_source_token_file must be configured")]
    [InlineData("- {" + Url + ", alert_source_token: t, http_config: {authorization: {credentials: c}}}", "receivers[0].incidentio_configs[0]: cannot specify alert_source_token or alert_source_token_file when using http_config.authorization")]
    [InlineData("- {" + Url + ", alert_source_token_file: /f, http_config: {bearer_token: c}}", "receivers[0].incidentio_configs[0]: cannot specify alert_source_token or alert_source_token_file when using http_config.authorization")]
    [InlineData("- {" + Url + ", http_config: {follow_redirects: false}}", "receivers[0].incidentio_configs[0]: at least one of alert_source_token, alert_source_token_file or http_config.authorization must be configured")]
    [InlineData("- {" + Url + ", alert_source_token: t, timeout: 10}", null)]
    [InlineData("- {" + Url + ", alert_source_token: t, timeout: 10x}", "receivers[0].incidentio_configs[0].timeout: cannot unmarshal !!str `10x` into time.Duration")]
    [InlineData("- {" + Url + ", alert_source_token: t, max_alerts: -1}", "receivers[0].incidentio_configs[0].max_alerts: must be at least 0")]
    public void Errors_carry_file_line_and_field(string entry, string? expected)
    {
        var yaml = $"    incidentio_configs:\n      {entry}\n";
        if (expected is null)
        {
            Assert.Single(AlertSamples.Load(yaml).Receivers[0].Integrations);
            return;
        }
        Assert.Equal("alerting.yml:6: " + expected, AlertSamples.Errors(yaml)[0]);
    }

    [Fact]
    public void The_token_is_masked_and_the_url_shown()
    {
        var config = AlertSamples.Load($"    incidentio_configs:\n      - {{{Url}, alert_source_token: s3cr3t}}\n");
        Assert.DoesNotContain("s3cr3t", config.MaskedYaml, StringComparison.Ordinal);
        Assert.Contains("https://api.incident.io/v2/alert_events/http/01ABC", config.MaskedYaml, StringComparison.Ordinal);
        Assert.Single(Infrastructure.TestConfig.Load(config.MaskedYaml, "masked.yml").Receivers[0].Integrations);
    }
}
