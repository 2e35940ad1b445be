using Alerting.Core.Configuration;
using Alerting.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace Alerting.Channels.Feishu;

public sealed class FeishuConfigTests
{
    private static string Receiver(string entry) => $"route:\n  receiver: r\nreceivers:\n  - name: r\n    feishu_configs:\n      - {entry}\n";

    [Theory]
    [InlineData("secret: s", "receivers[0].feishu_configs[0]", "one of url or url_file must be configured")]
    [InlineData("{url: 'https://open.feishu.cn/open-apis/bot/v2/hook/t', url_file: /run/f}", "receivers[0].feishu_configs[0].url_file", "at most one of url & url_file must be configured")]
    [InlineData("{url: 'https://open.feishu.cn/open-apis/bot/v2/hook/t', secret: s, secret_file: /run/s}", "receivers[0].feishu_configs[0].secret_file", "at most one of secret & secret_file must be configured")]
    [InlineData("{url: 'ftp://open.feishu.cn/x'}", "receivers[0].feishu_configs[0].url", "unsupported scheme \"ftp\" for URL")]
    [InlineData("{url: 'https://open.feishu.cn/x', language: 'zh CN'}", "receivers[0].feishu_configs[0].language", "invalid language tag \"zh CN\" (want e.g. en or zh-CN)")]
    [InlineData("{url: 'https://open.feishu.cn/x', send_resolved: 'yes'}", "receivers[0].feishu_configs[0].send_resolved", "expected true or false, got \"yes\"")]
    [InlineData("{url: 'https://open.feishu.cn/x', secrets: s}", "receivers[0].feishu_configs[0].secrets", "field secrets not found (unknown field; did you mean secret?)")]
    public void Errors_carry_file_line_and_field(string entry, string field, string message)
    {
        var e = Assert.Throws<ConfigException>(() => TestConfig.Load(Receiver(entry), "alerting.yml"));
        Assert.Contains(new ConfigError("alerting.yml", 6, field, message), e.Errors);
    }

    [Fact]
    public void An_error_in_a_block_entry_points_at_its_own_line()
    {
        var e = Assert.Throws<ConfigException>(() => TestConfig.Load(Receiver("url: https://open.larksuite.com/open-apis/bot/v2/hook/t\n        secret: s\n        titel: x"), "alerting.yml"));
        Assert.Equal("alerting.yml:8: receivers[0].feishu_configs[0].titel: field titel not found (unknown field; did you mean title?)", Assert.Single(e.Errors).ToString());
    }

    [Fact]
    public void A_broken_url_is_refused_without_echoing_its_token()
    {
        var e = Assert.Throws<ConfigException>(() => TestConfig.Load(Receiver("url: 'open.feishu.cn/open-apis/bot/v2/hook/TOKENPART'"), "alerting.yml"));
        Assert.Contains(e.Errors, x => x.Field == "receivers[0].feishu_configs[0].url");
        Assert.DoesNotContain("TOKENPART", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_and_every_key_load()
    {
        var config = TestConfig.Load(Receiver("url: https://open.larksuite.com/open-apis/bot/v2/hook/t\n        secret_file: /run/secrets/feishu\n        title: '{{ alertname }}'\n        text: '{{ summary }}'\n        language: zh-CN\n        send_resolved: false\n        http_config: {proxy_url: 'http://proxy.example:3128'}"), "alerting.yml");
        var f = Assert.Single(config.Receivers[0].Integrations<FeishuConfig>());
        Assert.Equal("https://open.larksuite.com/open-apis/bot/v2/hook/t", f.Url);
        Assert.Equal("/run/secrets/feishu", f.SecretFile);
        Assert.Equal("{{ alertname }}", f.Title);
        Assert.Equal("{{ summary }}", f.Text);
        Assert.Equal("zh-CN", f.Language);
        Assert.False(f.SendResolved);
        Assert.Equal("http://proxy.example:3128", f.HttpConfig.ProxyUrl);

        Assert.True(Assert.Single(TestConfig.Load(Receiver("url_file: /run/f"), "alerting.yml").Receivers[0].Integrations<FeishuConfig>()).SendResolved);
    }

    [Fact]
    public void Url_and_secret_are_masked_and_the_masked_file_loads_again()
    {
        var config = TestConfig.Load(Receiver("url: https://open.feishu.cn/open-apis/bot/v2/hook/FEISHU-TOKEN-1\n        secret: FEISHU-SECRET-2"), "alerting.yml");
        Assert.DoesNotContain("FEISHU-TOKEN-1", config.MaskedYaml, StringComparison.Ordinal);
        Assert.DoesNotContain("FEISHU-SECRET-2", config.MaskedYaml, StringComparison.Ordinal);
        var stream = new YamlStream();
        stream.Load(new StringReader(config.MaskedYaml));
        var entry = (YamlMappingNode)((YamlSequenceNode)((YamlMappingNode)((YamlSequenceNode)((YamlMappingNode)stream.Documents[0].RootNode)["receivers"])[0])["feishu_configs"])[0];
        Assert.Equal("<secret>", ((YamlScalarNode)entry["url"]).Value);
        Assert.Equal("<secret>", ((YamlScalarNode)entry["secret"]).Value);
        Assert.Single(TestConfig.Load(config.MaskedYaml, "masked.yml").Receivers[0].Integrations<FeishuConfig>());
    }
}
