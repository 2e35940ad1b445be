using Alerting.Channels.Http;
using Alerting.Infrastructure;

namespace Alerting.Channels.Pushover;

public sealed class PushoverConfigTests
{
    private static PushoverConfig Load(string entry) => ReceiverConfigs.Load<PushoverConfig>("pushover", entry);

    private static IReadOnlyList<string> Errors(string entry) => ReceiverConfigs.Errors("pushover", entry);

    [Fact]
    public void Defaults_are_Alertmanagers()
    {
        var c = Load("user_key: u\ntoken: t");
        Assert.True(c.SendResolved);
        Assert.Equal(("u", "t"), (c.UserKey, c.Token));
        Assert.Equal("""{{ template "pushover.default.title" . }}""", c.Title);
        Assert.Equal("""{{ template "pushover.default.message" . }}""", c.Message);
        Assert.Equal("""{{ template "pushover.default.url" . }}""", c.Url);
        Assert.Equal("""{{ if eq .Status "firing" }}2{{ else }}0{{ end }}""", c.Priority);
        Assert.Equal((TimeSpan.FromMinutes(1), TimeSpan.FromHours(1), TimeSpan.Zero), (c.Retry, c.Expire, c.Ttl));
        Assert.False(c.Html);
        Assert.False(c.Monospace);
        Assert.Equal(("", "", ""), (c.UrlTitle, c.Device, c.Sound));
    }

    [Fact]
    public void Every_key_is_read()
    {
        var c = Load("user_key_file: /u\ntoken_file: /t\ntitle: T\nmessage: M\nurl: U\nurl_title: UT\ndevice: phone\nsound: siren\npriority: '1'\nretry: 30s\nexpire: 2h30m\nttl: 90m\nmonospace: true\nsend_resolved: false");
        Assert.Equal(("/u", "/t"), (c.UserKeyFile, c.TokenFile));
        Assert.Equal(("T", "M", "U", "UT", "phone", "siren", "1"), (c.Title, c.Message, c.Url, c.UrlTitle, c.Device, c.Sound, c.Priority));
        Assert.Equal((TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(150), TimeSpan.FromMinutes(90)), (c.Retry, c.Expire, c.Ttl));
        Assert.True(c.Monospace);
        Assert.False(c.SendResolved);
        Assert.True(Load("user_key: u\ntoken: t\nhtml: true").Html);
    }

    [Theory]
    [InlineData("token: t", "alerting.yml:6: receivers[0].pushover_configs[0]: one of user_key or user_key_file must be configured")]
    [InlineData("user_key: u\nuser_key_file: /f\ntoken: t", "alerting.yml:7: receivers[0].pushover_configs[0].user_key_file: at most one of user_key & user_key_file must be configured")]
    [InlineData("user_key: u", "alerting.yml:6: receivers[0].pushover_configs[0]: one of token or token_file must be configured")]
    [InlineData("user_key: u\ntoken: t\ntoken_file: /f", "alerting.yml:8: receivers[0].pushover_configs[0].token_file: at most one of token & token_file must be configured")]
    [InlineData("user_key: u\ntoken: t\nhtml: true\nmonospace: true", "alerting.yml:9: receivers[0].pushover_configs[0].monospace: at most one of monospace & html must be configured")]
    [InlineData("user_key: u\ntoken: t\nretry: 30", "alerting.yml:8: receivers[0].pushover_configs[0].retry: time: missing unit in duration \"30\"")]
    [InlineData("user_key: u\ntoken: t\nexpire: 1d", "alerting.yml:8: receivers[0].pushover_configs[0].expire: time: unknown unit \"d\" in duration \"1d\"")]
    public void Errors_name_file_line_and_field(string entry, string error)
    {
        Assert.Contains(error, Errors(entry));
    }

    [Fact]
    public void Keys_are_masked_in_the_shown_configuration()
    {
        var masked = ReceiverConfigs.LoadFile("pushover", "user_key: PO-USER-SECRET-1\ntoken: PO-TOKEN-SECRET-2\nurl_title: Open").MaskedYaml;
        Assert.DoesNotContain("PO-USER-SECRET-1", masked);
        Assert.DoesNotContain("PO-TOKEN-SECRET-2", masked);
        Assert.Contains("user_key: <secret>", masked);
        Assert.Contains("token: <secret>", masked);
        Assert.Contains("url_title: Open", masked);
        Assert.Equal("<secret>", Assert.Single(TestConfig.Load(masked, "masked.yml").FindReceiver("r")!.Integrations<PushoverConfig>()).Token);
    }
}
