using Alerting.Channels.Http;

namespace Alerting.Channels.RocketChat;

public sealed class RocketChatConfigTests
{
    [Fact]
    public void Globals_and_Alertmanagers_defaults_apply()
    {
        var config = AlertSamples.Single<RocketChatConfig>(
            "    rocketchat_configs:\n      - channel: ops\n",
            "  rocketchat_token: gtok\n  rocketchat_token_id: gid");
        Assert.Equal("https://open.rocket.chat/", config.ApiUrl);
        Assert.Equal(("gtok", "gid"), (config.Token, config.TokenId));
        Assert.False(config.SendResolved);
        Assert.Equal("""{{ if eq .Status "firing" }}red{{ else }}green{{ end }}""", config.Color);
        Assert.Equal("""{{ template "rocketchat.default.title" . }}""", config.Title);
        Assert.Equal("""{{ template "rocketchat.default.titlelink" . }}""", config.TitleLink);
        Assert.Equal("""{{ template "rocketchat.default.text" . }}""", config.Text);
        Assert.Equal("""{{ template "rocketchat.default.emoji" . }}""", config.Emoji);
        Assert.Equal("""{{ template "rocketchat.default.iconurl" . }}""", config.IconUrl);

        var own = AlertSamples.Single<RocketChatConfig>(
            "    rocketchat_configs:\n      - {api_url: 'https://chat.example/', token: t, token_id: i, link_names: true}\n",
            "  rocketchat_api_url: 'https://global.example/'");
        Assert.Equal(("https://chat.example/", "t", "i", true), (own.ApiUrl, own.Token, own.TokenId, own.LinkNames));
    }

    [Fact]
    public void Actions_accept_yaml_v2s_lower_case_field_names()
    {
        var config = AlertSamples.Single<RocketChatConfig>(
            "    rocketchat_configs:\n      - {token: t, token_id: i, actions: [{type: button, text: a, url: 'http://u', imageurl: x, iswebview: true, webviewheightratio: full, msg: m, msginchatwindow: false, msgprocessingtype: sendMessage}]}\n");
        Assert.Equal(new RocketChatActionConfig("a", "http://u", "m"), Assert.Single(config.Actions));
    }

    [Theory]
    [InlineData("- {token: t}", "alerting.yml:6: receivers[0].rocketchat_configs[0]: no global Rocketchat TokenID set either inline or in a file")]
    [InlineData("- {token_id: i}", "alerting.yml:6: receivers[0].rocketchat_configs[0]: no global Rocketchat Token set either inline or in a file")]
    [InlineData("- {token: t, token_file: /f, token_id: i}", "alerting.yml:6: receivers[0].rocketchat_configs[0].token_file: at most one of token & token_file must be configured")]
    [InlineData("- {token: t, token_id: i, token_id_file: /f}", "alerting.yml:6: receivers[0].rocketchat_configs[0].token_id_file: at most one of token_id & token_id_file must be configured")]
    [InlineData("- {token: t, token_id: i, api_url: 'ftp://x'}", "alerting.yml:6: receivers[0].rocketchat_configs[0].api_url: unsupported scheme \"ftp\" for URL")]
    [InlineData("- {token: t, token_id: i, actions: [{label: x}]}", "alerting.yml:6: receivers[0].rocketchat_configs[0].actions[0].label: field label not found (unknown field)")]
    [InlineData("- {token: t, token_id: i, fields: [{title: x, shorts: true}]}", "alerting.yml:6: receivers[0].rocketchat_configs[0].fields[0].shorts: field shorts not found (unknown field; did you mean short?)")]
    public void Errors_carry_file_line_and_field(string entry, string expected) =>
        Assert.Equal(expected, AlertSamples.Errors($"    rocketchat_configs:\n      {entry}\n")[0]);

    [Theory]
    [InlineData("  rocketchat_token: a\n  rocketchat_token_file: /f", "alerting.yml:3: global.rocketchat_token_file: at most one of rocketchat_token & rocketchat_token_file must be configured")]
    [InlineData("  rocketchat_token_id: a\n  rocketchat_token_id_file: /f", "alerting.yml:3: global.rocketchat_token_id_file: at most one of rocketchat_token_id & rocketchat_token_id_file must be configured")]
    public void Global_errors_carry_file_line_and_field(string global, string expected) =>
        Assert.Equal(expected, AlertSamples.Errors("    rocketchat_configs: [{token: t, token_id: i}]", global)[0]);

    [Fact]
    public void Tokens_are_masked_and_load_again()
    {
        var config = AlertSamples.Load(
            "    rocketchat_configs:\n      - {token: s3cr3t-tok, token_id: s3cr3t-id}\n",
            "  rocketchat_token: gl0bal-tok\n  rocketchat_token_id: gl0bal-id");
        foreach (var secret in (string[])["s3cr3t-tok", "s3cr3t-id", "gl0bal-tok", "gl0bal-id"])
        {
            Assert.DoesNotContain(secret, config.MaskedYaml, StringComparison.Ordinal);
        }
        var reloaded = Infrastructure.TestConfig.Load(config.MaskedYaml, "masked.yml");
        Assert.Equal("<secret>", Assert.IsType<RocketChatConfig>(Assert.Single(reloaded.Receivers[0].Integrations)).TokenId);
    }
}
