using Alerting.Channels.Slack;
using Alerting.Core.Configuration;
using Alerting.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace Alerting.Configuration;

public sealed class MaskedYamlTests
{
    private static readonly AlertingConfig s_full = TestConfig.Load(SampleConfigs.Full, "alerting.yml");

    private static YamlMappingNode Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static string At(YamlNode node, params object[] path)
    {
        foreach (var step in path)
        {
            node = step is int i ? ((YamlSequenceNode)node)[i] : ((YamlMappingNode)node)[(string)step];
        }
        return ((YamlScalarNode)node).Value!;
    }

    [Fact]
    public void No_secret_survives()
    {
        foreach (var secret in SampleConfigs.FullSecrets)
        {
            Assert.DoesNotContain(secret, s_full.MaskedYaml, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Server_section_is_removed_and_the_rest_kept()
    {
        var root = Parse(s_full.MaskedYaml);
        Assert.False(root.Children.ContainsKey(new YamlScalarNode("server")));
        Assert.Equal(
            ["global", "templates", "route", "inhibit_rules", "receivers", "mute_time_intervals", "time_intervals"],
            root.Children.Keys.Select(k => ((YamlScalarNode)k).Value));
        Assert.Equal("alertmanager", At(root, "global", "smtp_auth_username"));
        Assert.Equal("db-team", At(root, "route", "routes", 0, "receiver"));
        Assert.Equal("severity=~\"critical|warning\"", At(root, "route", "routes", 0, "matchers", 1));
        Assert.Equal("告警", At(root, "receivers", 3, "dingtalk_configs", 0, "keyword"));
        Assert.DoesNotContain("\\u", s_full.MaskedYaml, StringComparison.Ordinal);
    }

    [Fact]
    public void Secrets_become_the_alertmanager_mask()
    {
        var root = Parse(s_full.MaskedYaml);
        Assert.Equal("<secret>", At(root, "global", "smtp_auth_password"));
        Assert.Equal("<secret>", At(root, "global", "slack_api_url"));
        Assert.Equal("<secret>", At(root, "global", "http_config", "bearer_token"));
        Assert.Equal("<secret>", At(root, "receivers", 2, "webhook_configs", 0, "http_config", "basic_auth", "password"));
        Assert.Equal("pager", At(root, "receivers", 2, "webhook_configs", 0, "http_config", "basic_auth", "username"));
        Assert.Equal("<secret>", At(root, "receivers", 2, "pagerduty_configs", 0, "routing_key"));
        Assert.Equal("<secret>", At(root, "receivers", 3, "dingtalk_configs", 0, "url"));
        Assert.Equal("<secret>", At(root, "receivers", 3, "dingtalk_configs", 0, "secret"));
        Assert.Equal("<secret>", At(root, "receivers", 3, "email_configs", 0, "auth_password"));
        Assert.Equal("<secret>", At(root, "receivers", 4, "opsgenie_configs", 0, "api_key"));
        Assert.Equal("<secret>", At(root, "receivers", 4, "telegram_configs", 0, "bot_token"));
        // 0.25's webhook url is a plain URL type: the mask must still parse as a URL there.
        Assert.Equal("http://<secret>/", At(root, "receivers", 0, "webhook_configs", 0, "url"));
        // Not secrets: paths and ordinary URLs stay.
        Assert.Equal("https://events.pagerduty.com/v2/enqueue", At(root, "global", "pagerduty_url"));
        Assert.Equal("https://runbooks.example.org/db", At(root, "receivers", 1, "slack_configs", 0, "actions", 0, "url"));
    }

    [Fact]
    public void Masked_yaml_loads_again()
    {
        var reloaded = TestConfig.Load(s_full.MaskedYaml, "masked.yml");
        Assert.Equal(s_full.Receivers.Select(r => r.Name), reloaded.Receivers.Select(r => r.Name));
        Assert.Equal("<secret>", reloaded.Global.DefaultsOf<SlackDefaults>()!.ApiUrl);
        Assert.Equal(s_full.RootRoute.Routes[0].Matchers.ToString(), reloaded.RootRoute.Routes[0].Matchers.ToString());
        Assert.Same(ServerConfig.Default, reloaded.Server);
        Assert.Equal(reloaded.MaskedYaml, TestConfig.Load(reloaded.MaskedYaml, "again.yml").MaskedYaml);
    }

    [Fact]
    public void Aliased_secrets_are_masked_everywhere_and_file_paths_kept()
    {
        var config = TestConfig.Load("""
            global:
              smtp_auth_password: &pw hunter2
              smtp_auth_password_file: ''
            route:
              receiver: r
            receivers:
              - name: r
                email_configs:
                  - to: a@example.org
                    from: b@example.org
                    smarthost: 'h:25'
                    auth_password: *pw
                webhook_configs:
                  - url: 'http://x.example/'
                    http_config:
                      bearer_token_file: /etc/token
                      tls_config: {cert_file: /c.pem, key_file: /k.pem}
            """, "a.yml");
        Assert.DoesNotContain("hunter2", config.MaskedYaml, StringComparison.Ordinal);
        Assert.Contains("bearer_token_file: /etc/token", config.MaskedYaml, StringComparison.Ordinal);
        Assert.Contains("key_file: /k.pem", config.MaskedYaml, StringComparison.Ordinal);
        Assert.DoesNotContain("...", config.MaskedYaml, StringComparison.Ordinal);
    }

    [Fact]
    public void Comments_do_not_leak()
    {
        var config = TestConfig.Load("# old password: hunter2\nroute:\n  receiver: r # hunter2\nreceivers:\n  - name: r\n", "a.yml");
        Assert.DoesNotContain("hunter2", config.MaskedYaml, StringComparison.Ordinal);
        Assert.StartsWith("route:", config.MaskedYaml, StringComparison.Ordinal);
    }
}
