using Alerting.Core.Configuration;
using Alerting.Infrastructure;

namespace Alerting.Channels.WeChat;

/// <summary>Alertmanager's WechatConfig rules: defaults, the globals, each error with its line and field, masking.</summary>
public sealed class WeChatConfigTests
{
    private static string Yaml(string entry, string global = "") => $"""
        {global}route:
          receiver: r
        receivers:
          - name: r
            wechat_configs:
              - {entry}
        """;

    private static WeChatConfig Load(string entry, string global = "") =>
        TestConfig.Load(Yaml(entry, global), "alerting.yml").FindReceiver("r")!.Integrations<WeChatConfig>()[0];

    private static IEnumerable<string> Errors(string entry, string global = "") =>
        Assert.Throws<ConfigException>(() => TestConfig.Load(Yaml(entry, global), "alerting.yml")).Errors.Select(e => e.ToString());

    [Fact]
    public void Defaults_are_Alertmanagers()
    {
        var config = Load("{api_secret: s, corp_id: c}");
        Assert.False(config.SendResolved);
        Assert.Equal("https://qyapi.weixin.qq.com/cgi-bin/", config.ApiUrl);
        Assert.Equal("text", config.MessageType);
        Assert.Equal("""{{ template "wechat.default.message" . }}""", config.Message);
        Assert.Equal("""{{ template "wechat.default.to_user" . }}""", config.ToUser);
        Assert.Equal("""{{ template "wechat.default.to_party" . }}""", config.ToParty);
        Assert.Equal("""{{ template "wechat.default.to_tag" . }}""", config.ToTag);
        Assert.Equal("""{{ template "wechat.default.agent_id" . }}""", config.AgentId);
    }

    [Fact]
    public void Globals_fill_in_url_secret_and_corp_id()
    {
        var config = Load("{}", "global:\n  wechat_api_url: http://wx.example/api\n  wechat_api_secret: gs\n  wechat_api_corp_id: gc\n");
        Assert.Equal("http://wx.example/api/", config.ApiUrl);
        Assert.Equal("gs", config.ApiSecret);
        Assert.Equal("gc", config.CorpId);
        var file = Load("{corp_id: c}", "global:\n  wechat_api_secret_file: /run/wx\n");
        Assert.Equal("/run/wx", file.ApiSecretFile);
        Assert.Null(file.ApiSecret);
    }

    [Fact]
    public void Errors_name_file_line_and_field()
    {
        Assert.Contains("alerting.yml:6: receivers[0].wechat_configs[0].api_secret: no global Wechat Api Secret set either inline or in a file", Errors("{corp_id: c}"));
        Assert.Contains("alerting.yml:6: receivers[0].wechat_configs[0].corp_id: no global Wechat CorpID set", Errors("{api_secret: s}"));
        Assert.Contains("alerting.yml:6: receivers[0].wechat_configs[0].message_type: weChat message type \"news\" does not match valid options ^(text|markdown)$",
            Errors("{api_secret: s, corp_id: c, message_type: news}"));
        Assert.Contains("alerting.yml:6: receivers[0].wechat_configs[0].api_secret_file: at most one of api_secret & api_secret_file must be configured",
            Errors("{api_secret: s, api_secret_file: /f, corp_id: c}"));
        Assert.Contains("alerting.yml:1: global.wechat_api_secret_file: at most one of wechat_api_secret & wechat_api_secret_file must be configured",
            Errors("{corp_id: c}", "global: {wechat_api_secret: a, wechat_api_secret_file: /b}\n"));
    }

    [Fact]
    public void Secrets_are_masked()
    {
        var masked = TestConfig.Load(Yaml("{api_secret: 'entry-SECRET', corp_id: c}", "global:\n  wechat_api_secret: 'global-SECRET'\n"), "alerting.yml").MaskedYaml;
        Assert.DoesNotContain("SECRET", masked, StringComparison.Ordinal);
        Assert.Contains("api_secret: <secret>", masked, StringComparison.Ordinal);
        Assert.Contains("wechat_api_secret: <secret>", masked, StringComparison.Ordinal);
    }
}
