using Alerting.Channels.Http;
using Alerting.Core.Labels;
using Alerting.Core.Notifications;
using Alerting.GoTemplates;
using Alerting.Infrastructure;
using Alerting.Templating;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Alerting.Channels.Webhook;

/// <summary>A webhook URL with Go templates, as Alertmanager 0.31 has them: rendered for each message, the file's too.</summary>
public sealed class WebhookUrlTemplateTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly WireMockServer _server = LoopbackWireMock.Start();
    private readonly HttpClientProvider _clients = new();
    private readonly TempDirectory _dir = new("alerting-webhook-url-");
    private readonly List<string> _failures = [];

    public WebhookUrlTemplateTests() =>
        _server.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(200));

    public void Dispose()
    {
        _server.Dispose();
        _clients.Dispose();
        _dir.Dispose();
    }

    private static NotificationRequest Message()
    {
        var alert = new Core.Alerts.Alert(LabelSet.From(("alertname", "X"), ("team", "db")), LabelSet.Empty, Now, Now.AddHours(1), "", Now, false);
        var data = NotificationData.Create("r", "{}:{}", LabelSet.From(("team", "db")), [alert], "http://alerting", Now);
        return new NotificationRequest("r", "{}:{}", "{}", 1) { Data = data };
    }

    private WebhookNotifier Notifier(WebhookConfig config) =>
        new(config, _clients, TimeProvider.System, data => new GoFields(GoTemplateSet.Default, data, (f, _) => _failures.Add(f)));

    [Fact]
    public async Task The_url_and_the_url_file_are_rendered_for_each_message()
    {
        var result = await Notifier(new WebhookConfig { Url = _server.Url + "/hook/{{ .GroupLabels.team }}?n={{ len .Alerts }}" }).SendAsync(Message(), CancellationToken.None);
        Assert.Equal(SendOutcome.Success, result.Outcome);
        Assert.Equal("/hook/db", _server.LogEntries.Last().RequestMessage.Path);
        Assert.Equal("1", _server.LogEntries.Last().RequestMessage.Query!["n"].Single());

        var file = Path.Combine(_dir.Path, "url");
        await File.WriteAllTextAsync(file, _server.Url + "/file/{{ .CommonLabels.alertname }}\n");
        Assert.Equal(SendOutcome.Success, (await Notifier(new WebhookConfig { UrlFile = file }).SendAsync(Message(), CancellationToken.None)).Outcome);
        Assert.Equal("/file/X", _server.LogEntries.Last().RequestMessage.Path);
        Assert.Empty(_failures);
    }

    [Fact]
    public async Task A_url_template_that_fails_is_a_permanent_failure_reported_as_a_template_failure()
    {
        var result = await Notifier(new WebhookConfig { Url = _server.Url + "/{{ .Nope }}" }).SendAsync(Message(), CancellationToken.None);

        Assert.Equal(SendOutcome.Permanent, result.Outcome);
        Assert.Contains("template failed", result.Error, StringComparison.Ordinal);
        Assert.Equal(["webhook.url"], _failures);
        Assert.Empty(_server.LogEntries);
    }

    [Fact]
    public void A_templated_url_loads_unchecked_and_one_that_does_not_parse_with_a_warning()
    {
        var config = TestConfig.Load("""
            route: {receiver: r}
            receivers:
              - name: r
                webhook_configs:
                  - url: 'http://hooks.example/{{ .GroupLabels.team }}'
                  - url: 'http://hooks.example/{{ .GroupLabels.team'
            """, "alerting.yml");

        Assert.Equal("http://hooks.example/{{ .GroupLabels.team }}", config.Receivers.Single().Integrations<WebhookConfig>()[0].Url);
        Assert.StartsWith("alerting.yml:6: receivers[0].webhook_configs[1].url: template: :1: unclosed action", Assert.Single(config.Warnings), StringComparison.Ordinal);
        Assert.Throws<Core.Configuration.ConfigException>(() => TestConfig.Load("route: {receiver: r}\nreceivers: [{name: r, webhook_configs: [{url: 'ftp://x'}]}]", "a.yml"));
    }
}
