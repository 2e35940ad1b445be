using System.Text.Json.Nodes;
using Alerting.Channels.Http;
using Alerting.Delivery;
using Alerting.Infrastructure;
using Alerting.Templating;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace Alerting.Channels.Slack;

/// <summary>Slack through the running service's notifiers: the configuration as loaded, the Go templates as wired.</summary>
public sealed class SlackChannelTests : IAsyncLifetime
{
    private readonly WireMockServer _slack = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 8, 10, 0, TimeSpan.Zero));
    private readonly TempDirectory _templates = new("alerting-slack-tpl-");
    private AlertingTestHost _host = null!;

    public async Task InitializeAsync()
    {
        _slack.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(200).WithBody("ok"));
        var yaml = GoldenReceivers.Yaml("slack", block => block.Replace("http://127.0.0.1:19112", _slack.Url!, StringComparison.Ordinal)
            + $"\n  - name: ours\n    slack_configs:\n      - api_url: {_slack.Url}/ours\n        title: '{{{{ .CommonLabels.alertname }}}} (Go)'"
            + $"\n  - name: sprig\n    slack_configs:\n      - api_url: {_slack.Url}/sprig\n        title: '{{{{ .CommonLabels.alertname | upper }}}}'",
            extra: $"templates: ['{_templates.Path}/*']\n");
        _host = await AlertingTestHost.StartAsync(yaml, time: _time);
    }

    public async Task DisposeAsync()
    {
        _slack.Stop();
        await _host.DisposeAsync();
        _templates.Dispose();
    }

    private ResolvedNotifier Notifier(string receiver) =>
        _host.Server.Services.GetRequiredService<Notifiers>().Find(receiver, "slack[0]") ?? throw new InvalidOperationException(receiver);

    private static NotificationRequest Send(bool resolved) =>
        new("slack", "{}:{}", "", 2) { Data = GoldenCaptures.Data("slack", resolved), Links = ActionLinks.Placeholder("http://alerting") };

    [Fact]
    public async Task An_unmodified_receiver_sends_Alertmanagers_exact_requests()
    {
        foreach (var phase in (string[])["firing", "resolved"])
        {
            var result = await Notifier("slack").Notifier.SendAsync(Send(phase == "resolved"), CancellationToken.None);
            Assert.Equal(SendOutcome.Success, result.Outcome);
            GoldenCaptures.AssertRequest(GoldenCaptures.Requests("slack", phase).Single(), _slack.LogEntries.Last());
            _time.Advance(TimeSpan.FromSeconds(2)); // one message a second per webhook
        }
    }

    [Fact]
    public async Task A_slack_sbn_file_in_templates_switches_to_our_message_and_the_receivers_Go_title_still_wins()
    {
        await File.WriteAllTextAsync(Path.Combine(_templates.Path, "slack.text.sbn"), "ours: {{ alertname }} {{ count }}");
        Assert.Null(await _host.Server.Services.GetRequiredService<Configuration.ConfigHolder>().ReloadAsync());

        await Notifier("ours").Notifier.SendAsync(Send(resolved: false), CancellationToken.None);

        var attachment = JsonNode.Parse(_slack.LogEntries.Last().RequestMessage.Body!)!["attachments"]![0]!;
        Assert.Equal("HighRequestLatency (Go)", (string)attachment["title"]!);
        Assert.Equal("ours: HighRequestLatency 2", (string)attachment["text"]!);
        Assert.Equal("http://alerting/action/preview-view", (string)attachment["title_link"]!);
        Assert.Equal(4, attachment["actions"]!.AsArray().Count);
    }

    [Fact]
    public async Task A_title_calling_a_sprig_function_fails_as_in_Alertmanager_and_the_default_title_goes_out()
    {
        // Alertmanager's function map has no sprig (only DingTalk, WeCom and Feishu fields get it): "function "upper" not defined".
        var warning = Assert.Single(_host.Server.Services.GetRequiredService<Configuration.ConfigHolder>().Current.Config.Warnings, w => w.Contains("upper", StringComparison.Ordinal));
        Assert.Contains("slack_configs[0].title: template: :1: function \"upper\" not defined", warning, StringComparison.Ordinal);

        var result = await Notifier("sprig").Notifier.SendAsync(Send(resolved: false), CancellationToken.None);

        Assert.Equal(SendOutcome.Success, result.Outcome);
        var attachment = JsonNode.Parse(_slack.LogEntries.Last().RequestMessage.Body!)!["attachments"]![0]!;
        Assert.StartsWith("[FIRING:2] HighRequestLatency (", (string)attachment["title"]!, StringComparison.Ordinal);
    }
}
