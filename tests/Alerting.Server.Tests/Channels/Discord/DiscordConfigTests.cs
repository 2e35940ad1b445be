using Alerting.Core.Configuration;
using Alerting.Infrastructure;

namespace Alerting.Channels.Discord;

/// <summary>Alertmanager's DiscordConfig rules: defaults, and each error with its line and field.</summary>
public sealed class DiscordConfigTests
{
    private static string Yaml(string entry) => $"""
        route:
          receiver: r
        receivers:
          - name: r
            discord_configs:
              - {entry}
        """;

    private static DiscordConfig Load(string entry) => TestConfig.Load(Yaml(entry), "alerting.yml").FindReceiver("r")!.Integrations<DiscordConfig>()[0];

    private static IEnumerable<string> Errors(string entry) =>
        Assert.Throws<ConfigException>(() => TestConfig.Load(Yaml(entry), "alerting.yml")).Errors.Select(e => e.ToString());

    [Fact]
    public void Defaults_are_Alertmanagers()
    {
        var config = Load("{webhook_url: 'https://discord.com/api/webhooks/1/x'}");
        Assert.True(config.SendResolved);
        Assert.Equal("""{{ template "discord.default.title" . }}""", config.Title);
        Assert.Equal("""{{ template "discord.default.message" . }}""", config.Message);
        Assert.Equal("", config.Content);
        Assert.Equal("", config.Username);
        Assert.Equal("", config.AvatarUrl);
    }

    [Fact]
    public void Errors_name_file_line_and_field()
    {
        Assert.Contains("alerting.yml:6: receivers[0].discord_configs[0]: one of webhook_url or webhook_url_file must be configured", Errors("{title: x}"));
        Assert.Contains("alerting.yml:6: receivers[0].discord_configs[0].webhook_url_file: at most one of webhook_url & webhook_url_file must be configured",
            Errors("{webhook_url: 'https://d.example/x', webhook_url_file: /f}"));
        Assert.Contains("alerting.yml:6: receivers[0].discord_configs[0].webhook_url: unsupported scheme \"\" for URL", Errors("{webhook_url: 'not a url'}"));
    }

    [Fact]
    public void The_webhook_url_is_masked()
    {
        var masked = TestConfig.Load(Yaml("{webhook_url: 'https://discord.com/api/webhooks/1/SECRET'}"), "alerting.yml").MaskedYaml;
        Assert.DoesNotContain("SECRET", masked, StringComparison.Ordinal);
        Assert.Contains("webhook_url: <secret>", masked, StringComparison.Ordinal);
    }
}
