using Alerting.Channels.Http;

namespace Alerting.Channels.Mattermost;

public sealed class MattermostConfigTests
{
    [Fact]
    public void Defaults_are_Alertmanagers_templates_and_the_global_url_applies()
    {
        var config = AlertSamples.Single<MattermostConfig>("    mattermost_configs:\n      - channel: ops\n", "  mattermost_webhook_url: 'https://mm.example/hooks/abc'");
        Assert.Equal("https://mm.example/hooks/abc", config.Url);
        Assert.True(config.SendResolved);
        Assert.Equal("""{{ template "mattermost.default.username" . }}""", config.Username);
        Assert.Equal("""{{ template "mattermost.default.text" . }}""", config.Text);
        Assert.Equal("""{{ template "mattermost.default.fallback" . }}""", config.Attachment.Fallback);
        Assert.Equal("""{{ template "mattermost.default.color" . }}""", config.Attachment.Color);
        Assert.Equal("""{{ template "mattermost.default.title" . }}""", config.Attachment.Title);
        Assert.Equal("""{{ template "mattermost.default.titlelink" . }}""", config.Attachment.TitleLink);
        Assert.Equal("", config.Attachment.Pretext);
    }

    [Fact]
    public void A_null_text_is_empty_as_in_yaml_v2()
    {
        var config = AlertSamples.Single<MattermostConfig>("    mattermost_configs:\n      - webhook_url_file: /run/url\n        username:\n        send_resolved:\n");
        Assert.Equal("", config.Username);
        Assert.False(config.SendResolved);
        Assert.Equal("/run/url", config.UrlFile);
    }

    [Theory]
    [InlineData("- channel: x", "alerting.yml:6: receivers[0].mattermost_configs[0]: missing webhook_url or webhook_url_file on mattermost_config")]
    [InlineData("- {webhook_url: 'https://mm.example/h', webhook_url_file: /f}", "alerting.yml:6: receivers[0].mattermost_configs[0].webhook_url_file: at most one of webhook_url & webhook_url_file must be configured")]
    [InlineData("- {webhook_url: 'https://mm.example/h', fields: [{value: v}]}", "alerting.yml:6: receivers[0].mattermost_configs[0].fields[0].title: missing title in Mattermost field configuration")]
    [InlineData("- {webhook_url: 'https://mm.example/h', attachments: [{fields: [{title: t}]}]}", "alerting.yml:6: receivers[0].mattermost_configs[0].attachments[0].fields[0].value: missing value in Mattermost field configuration")]
    [InlineData("- {webhook_url: 'https://mm.example/h', priority: {level: x}}", "alerting.yml:6: receivers[0].mattermost_configs[0].priority.level: field level not found (unknown field)")]
    [InlineData("- {webhook_url: 'mm.example/SECRETKEY'}", "alerting.yml:6: receivers[0].mattermost_configs[0].webhook_url: unsupported scheme \"\" for URL")]
    public void Errors_carry_file_line_and_field(string entry, string expected) =>
        Assert.Equal(expected, AlertSamples.Errors($"    mattermost_configs:\n      {entry}\n")[0]);

    [Fact]
    public void Global_url_and_file_together_are_an_error() =>
        Assert.Equal(
            "alerting.yml:3: global.mattermost_webhook_url_file: at most one of mattermost_webhook_url & mattermost_webhook_url_file must be configured",
            AlertSamples.Errors("    mattermost_configs: [{channel: x}]", "  mattermost_webhook_url: 'https://mm.example/h'\n  mattermost_webhook_url_file: /f")[0]);

    [Fact]
    public void Webhook_urls_are_masked_and_load_again()
    {
        var config = AlertSamples.Load("    mattermost_configs:\n      - webhook_url: 'https://mm.example/hooks/s3cr3t'\n", "  mattermost_webhook_url: 'https://mm.example/hooks/gl0bal'");
        Assert.DoesNotContain("s3cr3t", config.MaskedYaml, StringComparison.Ordinal);
        Assert.DoesNotContain("gl0bal", config.MaskedYaml, StringComparison.Ordinal);
        Assert.Contains("webhook_url: <secret>", config.MaskedYaml, StringComparison.Ordinal);
        Assert.Equal("<secret>", Assert.IsType<MattermostConfig>(Assert.Single(Infrastructure.TestConfig.Load(config.MaskedYaml, "masked.yml").Receivers[0].Integrations)).Url);
    }
}
