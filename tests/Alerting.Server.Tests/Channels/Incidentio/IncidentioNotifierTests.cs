using Alerting.Channels.Http;
using Alerting.Core.Notifications;
using Alerting.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Alerting.Channels.Incidentio;

/// <summary>
/// The requests Alertmanager 0.34's notify/incidentio sends. No capture of a real Alertmanager exists for it: the
/// expected bodies are written from its source (its Message embeds template.Data, which 0.34 encodes with
/// notification_reason and routeLabels).
/// </summary>
public sealed class IncidentioNotifierTests : IDisposable
{
    private readonly WireMockServer server = LoopbackWireMock.Start();
    private readonly HttpClientProvider clients = new();
    private readonly TempDirectory dir = new("alerting-incidentio-");

    public void Dispose()
    {
        server.Dispose();
        clients.Dispose();
        dir.Dispose();
    }

    private IncidentioConfig Config(string extra = "        alert_source_token: tok") => AlertSamples.Single<IncidentioConfig>($"""
            incidentio_configs:
              - url: {server.At("v2/alert_events/http/01ABC")}
        {extra}
        """);

    private IncidentioNotifier Notifier(IncidentioConfig config, TimeProvider? time = null) => new(config, clients, time ?? new FakeTimeProvider(AlertSamples.Now));

    private void Answer(int status, string body = """{"status":"success"}""", TimeSpan? delay = null)
    {
        var response = Response.Create().WithStatusCode(status).WithBody(body);
        server.Given(Request.Create().WithPath("/v2/alert_events/http/01ABC").UsingPost()).RespondWith(delay is { } d ? response.WithDelay(d) : response);
    }

    private static string Alert(NotificationAlert a, string severity, string endsAt) =>
        $$"""{"status":"{{a.Status}}","labels":{"alertname":"DiskFull","instance":"{{a.Labels.Get("instance")}}","severity":"{{severity}}"},"annotations":{"summary":"Disk \u003cfull\u003e \u0026 more"},"startsAt":"2026-03-01T09:50:00.123Z","endsAt":"{{endsAt}}","generatorURL":"http://prom/graph?g0.expr=up","fingerprint":"{{a.Fingerprint}}"}""";

    [Fact]
    public async Task Firing_sends_the_alert_data_with_the_bearer_token()
    {
        Answer(202);
        var data = AlertSamples.Data();

        var result = await Notifier(Config()).SendAsync(AlertSamples.Request(data), CancellationToken.None);

        Assert.Equal(SendOutcome.Success, result.Outcome);
        var request = server.Requests().Single();
        Assert.Equal("Bearer tok", request.Header("Authorization"));
        Assert.Equal("application/json", request.Header("Content-Type"));
        Assert.Equal("Alertmanager/0.25.0", request.Header("User-Agent"));
        Assert.Equal(
            """{"receiver":"team-x","status":"firing","alerts":[""" + Alert(data.Alerts[0], "critical", "0001-01-01T00:00:00Z") + "," + Alert(data.Alerts[1], "warning", "0001-01-01T00:00:00Z")
            + """],"notification_reason":"first notification","groupLabels":{"alertname":"DiskFull"},"commonLabels":{"alertname":"DiskFull"},"commonAnnotations":{"summary":"Disk \u003cfull\u003e \u0026 more"},"routeLabels":{},"externalURL":"http://am.example","version":"1","groupKey":"{}:{alertname=\"DiskFull\"}","truncatedAlerts":0}""" + "\n",
            request.RequestMessage.Body);
    }

    [Fact]
    public async Task Resolved_is_sent_by_default_with_max_alerts_applied_before_the_data_is_built()
    {
        Answer(200);
        var config = Config("        alert_source_token: tok\n        max_alerts: 1");
        Assert.True(config.SendResolved);
        var data = AlertSamples.Data(resolved: true);

        await Notifier(config).SendAsync(AlertSamples.Request(data, "all alerts resolved"), CancellationToken.None);

        // Common labels are those of the alert kept.
        Assert.Equal(
            """{"receiver":"team-x","status":"resolved","alerts":[""" + Alert(data.Alerts[0], "critical", "2026-03-01T09:59:00Z")
            + """],"notification_reason":"all alerts resolved","groupLabels":{"alertname":"DiskFull"},"commonLabels":{"alertname":"DiskFull","instance":"db-0","severity":"critical"},"commonAnnotations":{"summary":"Disk \u003cfull\u003e \u0026 more"},"routeLabels":{},"externalURL":"http://am.example","version":"1","groupKey":"{}:{alertname=\"DiskFull\"}","truncatedAlerts":1}""" + "\n",
            server.Requests().Single().RequestMessage.Body);
    }

    [Theory]
    [InlineData("first notification", "first notification")]
    [InlineData("new firing alerts", "new alerts added")]
    [InlineData("alerts resolved", "some alerts resolved")]
    [InlineData("all alerts resolved", "all alerts resolved")]
    [InlineData("repeat_interval 4h0m0s elapsed", "repeat interval elapsed")]
    [InlineData(null, "unknown")]
    public void The_logs_reason_is_named_as_Alertmanager_names_it(string? ours, string alertmanagers) =>
        Assert.Equal(alertmanagers, IncidentioMessage.NotificationReason(ours));

    [Fact]
    public void Over_512_KiB_only_the_first_alert_is_kept_and_nothing_else_changes()
    {
        var data = AlertSamples.Data(summary: new string('x', 300 * 1024), count: 3);
        var body = IncidentioMessage.Serialize(data, "first notification");
        using var json = System.Text.Json.JsonDocument.Parse(body);
        Assert.Equal(1, json.RootElement.GetProperty("alerts").GetArrayLength());
        Assert.Equal(0, json.RootElement.GetProperty("truncatedAlerts").GetInt32());
        Assert.Equal(300 * 1024, json.RootElement.GetProperty("commonAnnotations").GetProperty("summary").GetString()!.Length);

        var small = IncidentioMessage.Serialize(AlertSamples.Data(summary: new string('x', 100 * 1024), count: 3), null);
        Assert.Equal(3, System.Text.Json.JsonDocument.Parse(small).RootElement.GetProperty("alerts").GetArrayLength());
    }

    [Theory]
    [InlineData(429, "", "Retryable", "unexpected status code 429")]
    [InlineData(500, "oops", "Retryable", "unexpected status code 500")]
    [InlineData(400, """{"message":"Invalid payload","errors":["title is required","status is invalid"]}""", "Permanent", "unexpected status code 400: Invalid payload: title is required, status is invalid")]
    [InlineData(401, """{"error":"bad token"}""", "Permanent", "unexpected status code 401: bad token")]
    [InlineData(404, "not json", "Permanent", "unexpected status code 404")]
    public async Task Answers_are_judged_as_Alertmanager_judges_them(int status, string body, string outcome, string error)
    {
        Answer(status, body);
        var result = await Notifier(Config()).SendAsync(AlertSamples.Request(AlertSamples.Data()), CancellationToken.None);
        Assert.Equal(Enum.Parse<SendOutcome>(outcome), result.Outcome);
        Assert.Equal(error, result.Error);
    }

    [Fact]
    public async Task Its_own_timeout_bounds_the_attempt_and_is_retried()
    {
        Answer(200, delay: TimeSpan.FromSeconds(2));
        var notifier = Notifier(Config("        alert_source_token: tok\n        timeout: 150ms"), TimeProvider.System);
        Assert.Equal(TimeSpan.FromMilliseconds(150), notifier.Timeout);
        var result = await notifier.SendAsync(AlertSamples.Request(AlertSamples.Data()), CancellationToken.None);
        Assert.Equal(SendOutcome.Retryable, result.Outcome);
        Assert.Contains("timeout", result.Error!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_token_file_is_read_trimmed_and_http_config_authorization_works_without_a_token()
    {
        Answer(200);
        var file = Path.Combine(dir.Path, "token");
        File.WriteAllText(file, "from-file\n");
        await Notifier(Config($"        alert_source_token_file: {file}")).SendAsync(AlertSamples.Request(AlertSamples.Data()), CancellationToken.None);
        await Notifier(Config("        http_config: {authorization: {credentials: viahttp}}")).SendAsync(AlertSamples.Request(AlertSamples.Data()), CancellationToken.None);
        Assert.Equal(["Bearer from-file", "Bearer viahttp"], server.Requests().Select(r => r.Header("Authorization")));
    }

    [Fact]
    public async Task Network_errors_are_retried()
    {
        using var closed = new ClosedPort();
        var config = Config() with { Url = $"http://127.0.0.1:{closed.Port}/v2/alert_events/http/01ABC" };
        Assert.Equal(SendOutcome.Retryable, (await Notifier(config).SendAsync(AlertSamples.Request(AlertSamples.Data()), CancellationToken.None)).Outcome);
    }
}
