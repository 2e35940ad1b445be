using Alerting.Channels.Http;
using Alerting.Infrastructure;

namespace Alerting.Channels.VictorOps;

public sealed class VictorOpsConfigTests
{
    private static VictorOpsConfig Load(string entry, string global = "") => ReceiverConfigs.Load<VictorOpsConfig>("victorops", entry, global);

    private static IReadOnlyList<string> Errors(string entry, string global = "") => ReceiverConfigs.Errors("victorops", entry, global);

    [Fact]
    public void Defaults_are_Alertmanagers()
    {
        var c = Load("api_key: k\nrouting_key: r");
        Assert.True(c.SendResolved);
        Assert.Equal(("k", "r"), (c.ApiKey, c.RoutingKey));
        Assert.Equal("https://alert.victorops.com/integrations/generic/20131114/alert/", c.ApiUrl);
        Assert.Equal("CRITICAL", c.MessageType);
        Assert.Equal("""{{ template "victorops.default.state_message" . }}""", c.StateMessage);
        Assert.Equal("""{{ template "victorops.default.entity_display_name" . }}""", c.EntityDisplayName);
        Assert.Equal("""{{ template "victorops.default.monitoring_tool" . }}""", c.MonitoringTool);
        Assert.Empty(c.CustomFields);
    }

    [Fact]
    public void Every_key_is_read_and_the_globals_fill_in()
    {
        var c = Load(
            "routing_key: r\nmessage_type: INFO\nstate_message: S\nentity_display_name: E\nmonitoring_tool: T\ncustom_fields: {a: b}\nsend_resolved: false",
            "victorops_api_key_file: /run/vo\nvictorops_api_url: https://vo.example.org/alert");
        Assert.Equal(((string?)null, "/run/vo", "https://vo.example.org/alert/"), (c.ApiKey, c.ApiKeyFile, c.ApiUrl));
        Assert.Equal(("INFO", "S", "E", "T"), (c.MessageType, c.StateMessage, c.EntityDisplayName, c.MonitoringTool));
        Assert.Equal([new("a", "b")], c.CustomFields);
        Assert.False(c.SendResolved);
        Assert.Equal("gk", Load("routing_key: r", "victorops_api_key: gk").ApiKey);
    }

    [Theory]
    [InlineData("api_key: k", "", "alerting.yml:6: receivers[0].victorops_configs[0].routing_key: missing Routing key in VictorOps config")]
    [InlineData("routing_key: r", "", "alerting.yml:6: receivers[0].victorops_configs[0]: no global VictorOps API Key set")]
    [InlineData("routing_key: r\napi_key: a\napi_key_file: /b", "", "alerting.yml:8: receivers[0].victorops_configs[0].api_key_file: at most one of api_key & api_key_file must be configured")]
    [InlineData("routing_key: r\napi_key: a\ncustom_fields: {entity_state: x}", "", "alerting.yml:8: receivers[0].victorops_configs[0].custom_fields: victorOps config contains custom field entity_state which cannot be used as it conflicts with the fixed/static fields")]
    [InlineData("routing_key: r", "victorops_api_key: a\nvictorops_api_key_file: /b", "alerting.yml:9: global.victorops_api_key_file: at most one of victorops_api_key & victorops_api_key_file must be configured")]
    public void Errors_name_file_line_and_field(string entry, string global, string error)
    {
        Assert.Contains(error, Errors(entry, global));
    }

    [Fact]
    public void Keys_are_masked_in_the_shown_configuration()
    {
        var masked = ReceiverConfigs.LoadFile("victorops", "routing_key: route\napi_key: VO-SECRET-1", "victorops_api_key: VO-GLOBAL-SECRET-2").MaskedYaml;
        Assert.DoesNotContain("VO-SECRET-1", masked);
        Assert.DoesNotContain("VO-GLOBAL-SECRET-2", masked);
        Assert.Equal("<secret>", Assert.Single(TestConfig.Load(masked, "masked.yml").FindReceiver("r")!.Integrations<VictorOpsConfig>()).ApiKey);
    }
}
