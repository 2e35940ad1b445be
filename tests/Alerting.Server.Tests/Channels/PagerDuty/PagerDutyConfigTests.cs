using Alerting.Channels.Http;
using Alerting.Core.Configuration;
using Alerting.Infrastructure;

namespace Alerting.Channels.PagerDuty;

public sealed class PagerDutyConfigTests
{
    private static PagerDutyConfig Load(string entry, string global = "") => ReceiverConfigs.Load<PagerDutyConfig>("pagerduty", entry, global);

    private static IReadOnlyList<string> Errors(string entry, string global = "") => ReceiverConfigs.Errors("pagerduty", entry, global);

    [Fact]
    public void Defaults_are_Alertmanagers()
    {
        var c = Load("routing_key: k");
        Assert.True(c.SendResolved);
        Assert.False(c.IsV1);
        Assert.Equal("k", c.RoutingKey);
        Assert.Equal("https://events.pagerduty.com/v2/enqueue", c.Url);
        Assert.Equal("""{{ template "pagerduty.default.description" .}}""", c.Description);
        Assert.Equal("""{{ template "pagerduty.default.client" . }}""", c.Client);
        Assert.Equal("""{{ template "pagerduty.default.clientURL" . }}""", c.ClientUrl);
        Assert.Equal(c.Client, c.Source); // source defaults to client's template
        Assert.Equal("", c.Severity);
        Assert.Equal(["firing", "resolved", "num_firing", "num_resolved"], c.Details.Select(d => d.Key));
        Assert.Null(c.Timeout);
        Assert.Equal(HttpClientConfig.Default, c.HttpConfig);
    }

    [Fact]
    public void Every_key_is_read()
    {
        var c = Load("""
            service_key: s
            url: https://pd.example.org/v2/enqueue
            client: C
            client_url: https://c.example.org
            description: D
            severity: critical
            class: cls
            component: cmp
            group: grp
            source: src
            send_resolved: false
            timeout: 1m30s
            details: {runbook: 'http://r', firing: mine}
            images: [{src: 'https://i/x.png', alt: A, href: 'https://h'}]
            links: [{href: 'https://l', text: T}]
            http_config: {proxy_url: 'http://proxy:3128'}
            """);
        Assert.True(c.IsV1);
        Assert.Equal("s", c.ServiceKey);
        Assert.Equal("https://pd.example.org/v2/enqueue", c.Url);
        Assert.Equal(("C", "https://c.example.org", "D", "critical"), (c.Client, c.ClientUrl, c.Description, c.Severity));
        Assert.Equal(("cls", "cmp", "grp", "src"), (c.Class, c.Component, c.Group, c.Source));
        Assert.False(c.SendResolved);
        Assert.Equal(TimeSpan.FromSeconds(90), c.Timeout);
        Assert.Equal(["runbook", "firing", "resolved", "num_firing", "num_resolved"], c.Details.Select(d => d.Key));
        Assert.Equal(new PagerDutyDetail.TemplateDetail("mine"), c.Details[1].Value);
        Assert.Equal(new PagerDutyImage("https://i/x.png", "A", "https://h"), Assert.Single(c.Images));
        Assert.Equal(new PagerDutyLink("https://l", "T"), Assert.Single(c.Links));
        Assert.Equal("http://proxy:3128", c.HttpConfig.ProxyUrl);
    }

    [Fact]
    public void Source_follows_a_custom_client()
    {
        Assert.Equal("my client", Load("routing_key: k\nclient: my client").Source);
    }

    [Fact]
    public void Nested_details_keep_their_shape()
    {
        var c = Load("routing_key: k\ndetails: {team: {name: '{{ .CommonLabels.team }}', size: 3, on: true}, hosts: [a, b]}");
        var team = Assert.IsType<PagerDutyDetail.MapDetail>(c.Details[0].Value);
        Assert.Equal(new PagerDutyDetail.TemplateDetail("{{ .CommonLabels.team }}"), team.Entries[0].Value);
        Assert.Equal(new PagerDutyDetail.LiteralDetail("3"), team.Entries[1].Value);
        Assert.Equal(new PagerDutyDetail.LiteralDetail("true"), team.Entries[2].Value);
        Assert.IsType<PagerDutyDetail.ListDetail>(c.Details[1].Value);
    }

    [Fact]
    public void The_global_url_is_the_default()
    {
        Assert.Equal("https://pd.internal/v2/enqueue", Load("routing_key: k", "pagerduty_url: https://pd.internal/v2/enqueue").Url);
        Assert.Equal("https://own/x", Load("routing_key: k\nurl: https://own/x", "pagerduty_url: https://pd.internal/v2/enqueue").Url);
    }

    [Theory]
    [InlineData("send_resolved: true", "alerting.yml:6: receivers[0].pagerduty_configs[0]: missing service or routing key in PagerDuty config")]
    [InlineData("routing_key: ''", "alerting.yml:6: receivers[0].pagerduty_configs[0]: missing service or routing key in PagerDuty config")]
    [InlineData("routing_key: a\nrouting_key_file: /k", "alerting.yml:7: receivers[0].pagerduty_configs[0].routing_key_file: at most one of routing_key & routing_key_file must be configured")]
    [InlineData("service_key: a\nservice_key_file: /k", "alerting.yml:7: receivers[0].pagerduty_configs[0].service_key_file: at most one of service_key & service_key_file must be configured")]
    [InlineData("routing_key: a\nurl: ftp://x", "alerting.yml:7: receivers[0].pagerduty_configs[0].url: unsupported scheme \"ftp\" for URL")]
    [InlineData("routing_key: a\ntimeout: 1d", "alerting.yml:7: receivers[0].pagerduty_configs[0].timeout: time: unknown unit \"d\" in duration \"1d\"")]
    [InlineData("routing_key: a\nseverity_level: x", "alerting.yml:7: receivers[0].pagerduty_configs[0].severity_level: field severity_level not found (unknown field)")]
    [InlineData("routing_key: a\nimages: [{src: x, title: y}]", "alerting.yml:7: receivers[0].pagerduty_configs[0].images[0].title: field title not found (unknown field)")]
    public void Errors_name_file_line_and_field(string entry, string error)
    {
        Assert.Contains(error, Errors(entry));
    }

    [Fact]
    public void A_bad_global_url_is_an_error_of_the_global_section()
    {
        Assert.Contains("alerting.yml:8: global.pagerduty_url: unsupported scheme \"\" for URL", Errors("routing_key: k", "pagerduty_url: nope"));
    }

    [Fact]
    public void Keys_are_masked_in_the_shown_configuration()
    {
        var masked = ReceiverConfigs.LoadFile("pagerduty", "routing_key: ROUTING-SECRET-1\nservice_key: SERVICE-SECRET-2\nurl: https://pd/x").MaskedYaml;
        Assert.DoesNotContain("ROUTING-SECRET-1", masked);
        Assert.DoesNotContain("SERVICE-SECRET-2", masked);
        Assert.Contains("routing_key: <secret>", masked);
        Assert.Contains("service_key: <secret>", masked);
        Assert.Contains("url: https://pd/x", masked);
        // The masked file loads again, as Alertmanager's Secret type accepts its own mask.
        Assert.Equal("<secret>", TestConfigReload(masked).RoutingKey);
    }

    private static PagerDutyConfig TestConfigReload(string yaml) =>
        Assert.Single(TestConfig.Load(yaml, "masked.yml").FindReceiver("r")!.Integrations<PagerDutyConfig>());
}
