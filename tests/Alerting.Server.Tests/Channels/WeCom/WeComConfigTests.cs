using Alerting.Core.Configuration;
using Alerting.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace Alerting.Channels.WeCom;

public sealed class WeComConfigTests
{
    private static string Receiver(string entry) => $"route:\n  receiver: r\nreceivers:\n  - name: r\n    wecom_configs:\n      - {entry}\n";

    [Theory]
    [InlineData("message_type: markdown", 6, "receivers[0].wecom_configs[0]", "one of url, url_file, key or key_file must be configured")]
    [InlineData("{url: 'https://w.example/send?key=k', key: k}", 6, "receivers[0].wecom_configs[0].key", "at most one of url, url_file, key & key_file must be configured (found url and key)")]
    [InlineData("{url_file: /run/wecom, key_file: /run/key}", 6, "receivers[0].wecom_configs[0].key_file", "at most one of url, url_file, key & key_file must be configured (found url_file and key_file)")]
    [InlineData("{url: 'https://w.example/send?key=k', api_url: 'https://proxy.example/send'}", 6, "receivers[0].wecom_configs[0].api_url", "api_url is used only with key or key_file (url already is the whole address)")]
    [InlineData("{key: k, api_url: 'proxy.example'}", 6, "receivers[0].wecom_configs[0].api_url", "unsupported scheme \"\" for URL")]
    [InlineData("{key: k, message_type: news}", 6, "receivers[0].wecom_configs[0].message_type", "unknown message_type \"news\" (want markdown or text)")]
    [InlineData("{key: k, mentioned_mobile_list: ['13800000000']}", 6, "receivers[0].wecom_configs[0].mentioned_mobile_list", "mentioned_mobile_list needs message_type: text (WeCom markdown mentions by user id only)")]
    [InlineData("{key: k, language: 'not a language'}", 6, "receivers[0].wecom_configs[0].language", "invalid language tag \"not a language\" (want e.g. en or zh-CN)")]
    [InlineData("{key: k, mentioned: [a]}", 6, "receivers[0].wecom_configs[0].mentioned", "field mentioned not found (unknown field)")]
    [InlineData("{key: k, http_config: {bearer_token: a, basic_auth: {username: u}}}", 6, "receivers[0].wecom_configs[0].http_config", "at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured")]
    public void Errors_carry_file_line_and_field(string entry, int line, string field, string message)
    {
        var e = Assert.Throws<ConfigException>(() => TestConfig.Load(Receiver(entry), "alerting.yml"));
        Assert.Contains(new ConfigError("alerting.yml", line, field, message), e.Errors);
    }

    [Fact]
    public void At_all_in_markdown_points_at_its_item()
    {
        var yaml = Receiver("key: k\n        mentioned_list:\n          - zhangsan\n          - '@all'");
        var e = Assert.Throws<ConfigException>(() => TestConfig.Load(yaml, "alerting.yml"));
        var error = Assert.Single(e.Errors);
        Assert.Equal("alerting.yml:9: receivers[0].wecom_configs[0].mentioned_list[1]: @all needs message_type: text (WeCom markdown cannot mention everyone)", error.ToString());
    }

    [Fact]
    public void A_broken_url_is_refused_without_echoing_its_key()
    {
        var e = Assert.Throws<ConfigException>(() => TestConfig.Load(Receiver("url: 'qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEYPART'"), "alerting.yml"));
        Assert.Contains(e.Errors, x => x.Field == "receivers[0].wecom_configs[0].url");
        Assert.DoesNotContain("KEYPART", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_and_every_key_load()
    {
        var config = TestConfig.Load(Receiver("key: k1\n        message_type: text\n        mentioned_list: ['@all']\n        mentioned_mobile_list: ['13800000000']\n        content: '{{ alertname }}'\n        language: zh-CN\n        send_resolved: false"), "alerting.yml");
        var w = Assert.Single(config.Receivers[0].Integrations<WeComConfig>());
        Assert.Equal("k1", w.Key);
        Assert.Equal(WeComConfig.DefaultApiUrl, w.ApiUrl);
        Assert.Equal(WeComMessageType.Text, w.MessageType);
        Assert.Equal(["@all"], w.MentionedList);
        Assert.Equal(["13800000000"], w.MentionedMobileList);
        Assert.Equal("{{ alertname }}", w.Content);
        Assert.Equal("zh-CN", w.Language);
        Assert.False(w.SendResolved);
        Assert.Equal(6, w.Line);

        var plain = Assert.Single(TestConfig.Load(Receiver("url_file: /run/secrets/wecom"), "alerting.yml").Receivers[0].Integrations<WeComConfig>());
        Assert.True(plain.SendResolved);
        Assert.Equal(WeComMessageType.Markdown, plain.MessageType);
        Assert.Equal("/run/secrets/wecom", plain.UrlFile);
    }

    [Fact]
    public void Url_and_key_are_masked_and_files_are_not()
    {
        var config = TestConfig.Load("""
            route:
              receiver: r
            receivers:
              - name: r
                wecom_configs:
                  - url: https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=WECOM-URL-KEY-1
                  - key: WECOM-KEY-2
                  - key_file: /run/secrets/wecom-key
            """, "alerting.yml");
        Assert.DoesNotContain("WECOM-URL-KEY-1", config.MaskedYaml, StringComparison.Ordinal);
        Assert.DoesNotContain("WECOM-KEY-2", config.MaskedYaml, StringComparison.Ordinal);
        var stream = new YamlStream();
        stream.Load(new StringReader(config.MaskedYaml));
        var entries = (YamlSequenceNode)((YamlMappingNode)((YamlSequenceNode)((YamlMappingNode)stream.Documents[0].RootNode)["receivers"])[0])["wecom_configs"];
        string Value(int i, string key) => ((YamlScalarNode)((YamlMappingNode)entries[i])[key]).Value!;
        Assert.Equal("<secret>", Value(0, "url"));
        Assert.Equal("<secret>", Value(1, "key"));
        Assert.Equal("/run/secrets/wecom-key", Value(2, "key_file"));
        // The masked file loads again, as Alertmanager's own masked output does.
        Assert.Equal(3, TestConfig.Load(config.MaskedYaml, "masked.yml").Receivers[0].Integrations<WeComConfig>().Count);
    }
}
