using Alerting.Channels.Http;
using Alerting.Infrastructure;

namespace Alerting.Channels.Opsgenie;

public sealed class OpsgenieConfigTests
{
    private static OpsgenieConfig Load(string entry, string global = "") => ReceiverConfigs.Load<OpsgenieConfig>("opsgenie", entry, global);

    private static IReadOnlyList<string> Errors(string entry, string global = "") => ReceiverConfigs.Errors("opsgenie", entry, global);

    [Fact]
    public void Defaults_are_Alertmanagers()
    {
        var c = Load("api_key: k");
        Assert.True(c.SendResolved);
        Assert.Equal("k", c.ApiKey);
        Assert.Equal("https://api.opsgenie.com/", c.ApiUrl);
        Assert.Equal("""{{ template "opsgenie.default.message" . }}""", c.Message);
        Assert.Equal("""{{ template "opsgenie.default.description" . }}""", c.Description);
        Assert.Equal("""{{ template "opsgenie.default.source" . }}""", c.Source);
        Assert.Equal(("", "", "", "", ""), (c.Entity, c.Actions, c.Tags, c.Note, c.Priority));
        Assert.Empty(c.Details);
        Assert.Empty(c.Responders);
        Assert.False(c.UpdateAlerts);
    }

    [Fact]
    public void Every_key_is_read()
    {
        var c = Load("""
            api_key_file: /run/og
            api_url: https://og.example.org/base
            message: M
            description: D
            source: S
            details: {a: '1', b: '{{ .Status }}'}
            entity: E
            responders: [{id: i, type: Team}, {name: n, type: '{{ .CommonLabels.kind }}'}, {username: u, type: user}]
            actions: x,y
            tags: t1,t2
            note: N
            priority: P2
            update_alerts: true
            send_resolved: false
            """);
        Assert.Equal("/run/og", c.ApiKeyFile);
        Assert.Null(c.ApiKey);
        Assert.Equal("https://og.example.org/base/", c.ApiUrl); // Alertmanager ends the path with "/"
        Assert.Equal(("M", "D", "S", "E", "x,y", "t1,t2", "N", "P2"), (c.Message, c.Description, c.Source, c.Entity, c.Actions, c.Tags, c.Note, c.Priority));
        Assert.Equal([new("a", "1"), new("b", "{{ .Status }}")], c.Details);
        Assert.Equal(
            [new OpsgenieResponder("i", "", "", "Team"), new("", "n", "", "{{ .CommonLabels.kind }}"), new("", "", "u", "user")],
            c.Responders);
        Assert.True(c.UpdateAlerts);
        Assert.False(c.SendResolved);
    }

    [Fact]
    public void Key_and_url_fall_back_to_the_globals()
    {
        var c = Load("message: m", "opsgenie_api_key: gk\nopsgenie_api_url: https://api.eu.opsgenie.com");
        Assert.Equal(("gk", (string?)null, "https://api.eu.opsgenie.com/"), (c.ApiKey, c.ApiKeyFile, c.ApiUrl));
        var fromFile = Load("message: m", "opsgenie_api_key_file: /run/key");
        Assert.Equal(((string?)null, "/run/key"), (fromFile.ApiKey, fromFile.ApiKeyFile));
        // The entry's own key wins, file or not.
        Assert.Equal(((string?)null, "/own"), (Load("api_key_file: /own", "opsgenie_api_key: gk").ApiKey, Load("api_key_file: /own", "opsgenie_api_key: gk").ApiKeyFile));
    }

    [Theory]
    [InlineData("message: m", "", "alerting.yml:6: receivers[0].opsgenie_configs[0]: no global OpsGenie API Key set either inline or in a file")]
    [InlineData("api_key: a\napi_key_file: /b", "", "alerting.yml:7: receivers[0].opsgenie_configs[0].api_key_file: at most one of api_key & api_key_file must be configured")]
    [InlineData("api_key: a\nresponders: [{type: team}]", "", "alerting.yml:7: receivers[0].opsgenie_configs[0].responders[0]: opsGenieConfig responder {   team} has to have at least one of id, username or name specified")]
    [InlineData("api_key: a\nresponders: [{name: x, type: group}]", "", "alerting.yml:7: receivers[0].opsgenie_configs[0].responders[0]: opsGenieConfig responder { x  group} type does not match valid options ^(team|teams|user|escalation|schedule)$")]
    [InlineData("api_key: a\nresponders: [{name: x, type: '{{ .Kind '}]", "", "alerting.yml:7: receivers[0].opsgenie_configs[0].responders[0]: opsGenieConfig responder { x  {{ .Kind } type contains invalid template syntax: template: :1: unclosed action")]
    [InlineData("api_key: a\napi_url: 'nope'", "", "alerting.yml:7: receivers[0].opsgenie_configs[0].api_url: unsupported scheme \"\" for URL")]
    [InlineData("api_key: a", "opsgenie_api_key: x\nopsgenie_api_key_file: /y", "alerting.yml:9: global.opsgenie_api_key_file: at most one of opsgenie_api_key & opsgenie_api_key_file must be configured")]
    public void Errors_name_file_line_and_field(string entry, string global, string error)
    {
        Assert.Contains(error, Errors(entry, global));
    }

    [Fact]
    public void A_priority_Opsgenie_does_not_know_is_a_warning_not_an_error()
    {
        var config = ReceiverConfigs.LoadFile("opsgenie", "api_key: a\npriority: P7");
        Assert.Equal("alerting.yml:7: receivers[0].opsgenie_configs[0].priority: priority \"P7\" is not one of P1, P2, P3, P4, P5", Assert.Single(config.Warnings));
        Assert.Empty(ReceiverConfigs.LoadFile("opsgenie", "api_key: a\npriority: '{{ .CommonLabels.p }}'").Warnings);
    }

    [Fact]
    public void Keys_are_masked_in_the_shown_configuration()
    {
        var masked = ReceiverConfigs.LoadFile("opsgenie", "api_key: OG-SECRET-1", "opsgenie_api_key: OG-GLOBAL-SECRET-2").MaskedYaml;
        Assert.DoesNotContain("OG-SECRET-1", masked);
        Assert.DoesNotContain("OG-GLOBAL-SECRET-2", masked);
        Assert.Contains("api_key: <secret>", masked);
        Assert.Contains("opsgenie_api_key: <secret>", masked);
        Assert.Equal("<secret>", Assert.Single(TestConfig.Load(masked, "masked.yml").FindReceiver("r")!.Integrations<OpsgenieConfig>()).ApiKey);
    }
}
