using Alerting.Channels.Http;
using Alerting.Core.Alerts;
using Alerting.Core.Labels;
using Alerting.Core.Notifications;
using Alerting.GoTemplates;
using Alerting.Infrastructure;
using Alerting.Templating;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Alerting.Channels.Slack;

/// <summary>Alertmanager 0.34's Slack keys: <c>app_token(_file)</c> with <c>app_url</c>, <c>timeout</c> and <c>update_message</c>.</summary>
public sealed class SlackAppTokenTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);
    private readonly WireMockServer _slack = LoopbackWireMock.Start();
    private readonly TempDirectory _dir = new("alerting-slack-app-");
    private AlertingTestHost _host = null!;

    public async Task InitializeAsync() => _host = await AlertingTestHost.StartAsync();

    public async Task DisposeAsync()
    {
        _slack.Stop();
        _dir.Dispose();
        await _host.DisposeAsync();
    }

    private static SlackConfig Load(string entry) => ReceiverConfigs.Load<SlackConfig>("slack", entry);

    private static IReadOnlyList<string> Errors(string entry) => ReceiverConfigs.Errors("slack", entry);

    private async Task<SendResult> SendAsync(SlackConfig config)
    {
        _slack.Given(WireMock.RequestBuilders.Request.Create().WithPath("/api/chat.postMessage").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("""{"ok":true,"ts":"1.2","channel":"C1"}"""));
        var notifier = new SlackNotifier(
            config,
            _host.Server.Services.GetRequiredService<HttpClientProvider>(),
            _host.Server.Services.GetRequiredService<RateLimiter>(),
            (data, _) => SlackPayload.Alertmanager(config, new GoFields(GoTemplateSet.Default, data)),
            new FakeTimeProvider(Now));
        var alert = new Alert(LabelSet.From(("alertname", "Disk")), LabelSet.Empty, Now.AddMinutes(-10), Now.AddMinutes(5), "", Now, false);
        var data = NotificationData.Create("ops", "{}:{}", LabelSet.From(("alertname", "Disk")), [alert], "http://alerting", Now);
        return await notifier.SendAsync(new NotificationRequest("ops", data.GroupKey, "", 1) { Data = data }, CancellationToken.None);
    }

    [Fact]
    public async Task An_app_token_is_sent_as_a_bearer_to_app_url()
    {
        var config = Load($"app_token: xoxb-secret-1\napp_url: {_slack.Url}/api/chat.postMessage\nchannel: '#ops'");
        Assert.Equal(SendOutcome.Success, (await SendAsync(config)).Outcome);
        var request = _slack.LogEntries.Last().RequestMessage;
        Assert.Equal("Bearer xoxb-secret-1", request.Headers!["Authorization"].Single());
        Assert.Contains("\"channel\":\"#ops\"", request.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_app_token_file_is_read_when_sending()
    {
        var file = Path.Combine(_dir.Path, "token");
        await File.WriteAllTextAsync(file, "xoxb-from-file\n");
        var config = Load($"app_token_file: {file}\napp_url: {_slack.Url}/api/chat.postMessage");
        Assert.Equal(SendOutcome.Success, (await SendAsync(config)).Outcome);
        Assert.Equal("Bearer xoxb-from-file", _slack.LogEntries.Last().RequestMessage.Headers!["Authorization"].Single());
    }

    [Fact]
    public void The_default_app_url_is_chat_postMessage_and_the_token_is_masked()
    {
        var config = Load("app_token: xoxb-secret-2");
        Assert.Equal(SlackAppToken.PostMessageUrl, config.ApiUrl);
        Assert.Equal(new Core.Configuration.Authorization("Bearer", "xoxb-secret-2", null), config.HttpConfig.Authorization);
        var masked = ReceiverConfigs.LoadFile("slack", "app_token: xoxb-secret-2").MaskedYaml;
        Assert.DoesNotContain("xoxb-secret-2", masked, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("app_token: a\napp_token_file: /f", "alerting.yml:7: receivers[0].slack_configs[0].app_token_file: at most one of app_token & app_token_file must be configured")]
    [InlineData("api_url: https://hooks.slack.com/services/x\napp_token: a", "alerting.yml:7: receivers[0].slack_configs[0].app_token: at most one of api_url/api_url_file & app_token/app_token_file must be configured")]
    [InlineData("app_token: a\nhttp_config:\n  authorization:\n    credentials: c", "alerting.yml:8: receivers[0].slack_configs[0].http_config: http authorization can't be set when using Slack App tokens")]
    [InlineData("api_url: https://hooks.slack.com/services/x\nupdate_message: true", "alerting.yml:7: receivers[0].slack_configs[0].update_message: update_message can only be used with bot tokens. api_url must be set to https://slack.com/api/chat.postMessage")]
    [InlineData("api_url: https://hooks.slack.com/services/x\ntimeout: 5", "alerting.yml:7: receivers[0].slack_configs[0].timeout: ")]
    public void Errors_name_file_line_and_field(string entry, string error) =>
        Assert.Contains(Errors(entry), e => e.StartsWith(error, StringComparison.Ordinal));

    [Fact]
    public void Update_message_is_accepted_with_a_warning_that_it_is_not_implemented()
    {
        var config = ReceiverConfigs.LoadFile("slack", "api_url: https://slack.com/api/chat.postMessage\nupdate_message: true\nhttp_config:\n  authorization:\n    credentials: xoxb");
        Assert.Equal("alerting.yml:7: receivers[0].slack_configs[0].update_message: update_message is not implemented yet: each notification posts a new message", Assert.Single(config.Warnings).ToString());
        Assert.True(Assert.Single(config.FindReceiver("r")!.Integrations<SlackConfig>()).UpdateMessage);
    }

    [Fact]
    public void The_global_app_token_and_app_url_apply_unless_the_entry_has_a_url_or_authorization_of_its_own()
    {
        // Alertmanager allows slack_api_url beside the token only when it is the app URL.
        const string Global = "slack_app_token: xoxb-global\nslack_app_url: https://slack.example/api/chat.postMessage\nslack_api_url: https://slack.example/api/chat.postMessage";
        var inherited = ReceiverConfigs.Load<SlackConfig>("slack", "channel: '#ops'", Global);
        Assert.Equal(("https://slack.example/api/chat.postMessage", "xoxb-global"), (inherited.ApiUrl, inherited.HttpConfig.Authorization?.Credentials));

        var webhook = ReceiverConfigs.Load<SlackConfig>("slack", "api_url: https://hooks.slack.com/services/x", Global);
        Assert.Equal(("https://hooks.slack.com/services/x", null), (webhook.ApiUrl, webhook.HttpConfig.Authorization));

        var own = ReceiverConfigs.Load<SlackConfig>("slack", "http_config:\n  authorization:\n    credentials: xoxb-own", Global);
        Assert.Equal("xoxb-own", own.HttpConfig.Authorization?.Credentials);
        Assert.Equal("https://slack.example/api/chat.postMessage", own.ApiUrl);
        Assert.DoesNotContain("xoxb-global", ReceiverConfigs.LoadFile("slack", "channel: x", Global).MaskedYaml, StringComparison.Ordinal);
    }

    [Fact]
    public void A_global_app_token_with_a_global_api_url_is_an_error_unless_the_url_is_the_app_url()
    {
        Assert.Contains(ReceiverConfigs.Errors("slack", "channel: x", "slack_app_token: t\nslack_api_url: https://hooks.slack.com/services/x"),
            e => e.EndsWith("global.slack_app_token: at most one of slack_app_token/slack_app_token_file & slack_api_url/slack_api_url_file must be configured", StringComparison.Ordinal));
        Assert.Equal("t", ReceiverConfigs.Load<SlackConfig>("slack", "channel: x", "slack_app_token: t\nslack_api_url: https://slack.com/api/chat.postMessage").HttpConfig.Authorization?.Credentials);
    }

    [Theory]
    [InlineData("timeout: 3s", 3)]
    [InlineData("timeout: 0s", 10)]
    [InlineData("send_resolved: true", 10)]
    public void Timeout_bounds_each_attempt_and_zero_keeps_our_default(string entry, int seconds)
    {
        var config = Load("api_url: https://hooks.slack.com/services/x\n" + entry);
        using var clients = new HttpClientProvider();
        var notifier = new SlackNotifier(config, clients, null!, (_, _) => "", TimeProvider.System);
        Assert.Equal(TimeSpan.FromSeconds(seconds), notifier.Timeout);
    }
}
