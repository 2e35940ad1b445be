using Alerting.Channels.Http;
using Alerting.Core.Notifications;
using Alerting.GoTemplates;
using Alerting.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Alerting.Channels.VictorOps;

public sealed class VictorOpsNotifierTests : IDisposable
{
    private const string Plain = "api_key: vo-key\nrouting_key: route\nstate_message: S\nentity_display_name: E\nmonitoring_tool: T";

    private readonly WireMockServer _server = LoopbackWireMock.Start();
    private readonly HttpClientProvider _clients = new();
    private readonly CapturingLoggerProvider _logs = new();
    private readonly TempDirectory _dir = new("alerting-vo-");

    public void Dispose()
    {
        _server.Dispose();
        _clients.Dispose();
        _dir.Dispose();
    }

    private void Answer(int status) =>
        _server.Given(WireMock.RequestBuilders.Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(status).WithBody("""{"result":"failure"}"""));

    private VictorOpsConfig Load(string entry) =>
        ReceiverConfigs.Load<VictorOpsConfig>("victorops", entry) with { ApiUrl = _server.Url + "/integrations/generic/20131114/alert/" };

    private VictorOpsNotifier Notifier(VictorOpsConfig config) => new(config, _clients, GoTemplateSet.Default, _logs.CreateLogger("test"), new FakeTimeProvider());

    private static NotificationRequest Request(bool resolved = false)
    {
        var data = GoldenCaptures.Data("victorops", resolved);
        return new NotificationRequest("victorops", data.GroupKey, "", data.Alerts.Count) { Data = data };
    }

    [Theory]
    [InlineData("firing")]
    [InlineData("resolved")]
    public async Task Sends_what_Alertmanager_sent(string phase)
    {
        Answer(200);
        var config = Load("""
            api_key: golden-victorops-key
            routing_key: golden-route
            message_type: '{{ if eq .CommonLabels.severity "critical" }}CRITICAL{{ else }}WARNING{{ end }}'
            custom_fields:
              severity_label: '{{ .CommonLabels.severity }}'
              static_note: static value
            """);
        var result = await Notifier(config).SendAsync(Request(phase == "resolved"), CancellationToken.None);
        Assert.Equal(SendOutcome.Success, result.Outcome);
        GoldenCaptures.AssertRequest(Assert.Single(GoldenCaptures.Requests("victorops", phase)), Assert.Single(_server.Requests()));
    }

    [Theory]
    [InlineData("INFO", false, "INFO")]
    [InlineData("WARNING", false, "WARNING")]
    [InlineData("critical", false, "CRITICAL")] // not one VictorOps takes while firing
    [InlineData("ACKNOWLEDGEMENT", false, "CRITICAL")]
    [InlineData("INFO", true, "RECOVERY")]
    public async Task The_message_type_is_kept_only_when_VictorOps_takes_it(string configured, bool resolved, string sent)
    {
        Answer(200);
        await Notifier(Load($"{Plain}\nmessage_type: {configured}")).SendAsync(Request(resolved), CancellationToken.None);
        Assert.Contains($"\"message_type\":\"{sent}\"", _server.Requests()[0].RequestMessage.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_alert_is_a_sorted_map_posted_to_the_key_and_routing_key()
    {
        Answer(200);
        await Notifier(Load($"{Plain}\ncustom_fields: {{zeta: z, alpha: <a>}}")).SendAsync(Request(), CancellationToken.None);
        var sent = Assert.Single(_server.Requests());
        Assert.Equal("/integrations/generic/20131114/alert/vo-key/route", sent.RequestMessage.Path);
        Assert.Equal("Alertmanager/0.25.0", sent.Header("User-Agent"));
        Assert.Equal("application/json", sent.Header("Content-Type"));
        Assert.Equal(
            "{\"alpha\":\"\\u003ca\\u003e\",\"entity_display_name\":\"E\",\"entity_id\":\"" + GroupKeyHash.Hash(Request().GroupKey) +
            "\",\"message_type\":\"CRITICAL\",\"monitoring_tool\":\"T\",\"state_message\":\"S\",\"zeta\":\"z\"}\n",
            sent.RequestMessage.Body);
    }

    [Fact]
    public async Task A_routing_key_with_url_characters_stays_in_the_path()
    {
        Answer(200);
        await Notifier(Load(Plain) with { RoutingKey = "team a?x#1" }).SendAsync(Request(), CancellationToken.None);
        Assert.Equal("/integrations/generic/20131114/alert/vo-key/team a?x#1", Uri.UnescapeDataString(_server.Requests()[0].RequestMessage.AbsolutePath));
        Assert.Empty(_server.Requests()[0].RequestMessage.RawQuery?.TrimStart('?') ?? "");
    }

    [Theory]
    [InlineData(500, "Retryable")]
    [InlineData(503, "Retryable")]
    [InlineData(429, "Permanent")]
    [InlineData(400, "Permanent")]
    public async Task Only_5xx_is_retried(int status, string outcome)
    {
        Answer(status);
        var result = await Notifier(Load(Plain)).SendAsync(Request(), CancellationToken.None);
        Assert.Equal(Enum.Parse<SendOutcome>(outcome), result.Outcome);
        Assert.Equal($"unexpected status code {status}: {{\"result\":\"failure\"}}", result.Error);
    }

    [Fact]
    public async Task The_key_never_shows_in_an_error()
    {
        using var closed = new ClosedPort();
        var config = ReceiverConfigs.Load<VictorOpsConfig>("victorops", Plain.Replace("vo-key", "VO-SECRET-KEY", StringComparison.Ordinal)) with
        {
            ApiUrl = $"http://127.0.0.1:{closed.Port}/alert/",
        };
        var result = await Notifier(config).SendAsync(Request(), CancellationToken.None);
        Assert.Equal(SendOutcome.Retryable, result.Outcome);
        Assert.DoesNotContain("VO-SECRET-KEY", result.Error);
        Assert.Contains("<redacted>", result.Error);
    }

    [Fact]
    public async Task The_state_message_is_cut_at_20480_runes()
    {
        Answer(200);
        var config = Load(Plain) with { StateMessage = string.Concat(Enumerable.Repeat("🚨", 20481)) };
        await Notifier(config).SendAsync(Request(), CancellationToken.None);
        Assert.Contains("\"state_message\":\"" + string.Concat(Enumerable.Repeat("🚨", 20479)) + "…\"", _server.Requests()[0].RequestMessage.Body, StringComparison.Ordinal);
        Assert.Contains(_logs.Lines, l => l.Message.Contains("truncated state_message to 20480 runes", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_key_file_is_read_at_each_send()
    {
        Answer(200);
        var file = Path.Combine(_dir.Path, "key");
        await File.WriteAllTextAsync(file, "file-key\n");
        var notifier = Notifier(Load(Plain.Replace("api_key: vo-key", "api_key_file: " + file, StringComparison.Ordinal)));
        await notifier.SendAsync(Request(), CancellationToken.None);
        Assert.Equal("/integrations/generic/20131114/alert/file-key/route", _server.Requests()[0].RequestMessage.Path);
        File.Delete(file);
        var result = await notifier.SendAsync(Request(), CancellationToken.None);
        Assert.Equal(SendOutcome.Permanent, result.Outcome);
        Assert.StartsWith("failed to read API key from file: ", result.Error);
    }

    [Fact]
    public async Task Template_errors_fail_as_Alertmanager_says()
    {
        Answer(200);
        var broken = """{{ template "no.such.template" . }}""";
        var routing = await Notifier(Load(Plain) with { RoutingKey = broken }).SendAsync(Request(), CancellationToken.None);
        Assert.Equal(SendOutcome.Permanent, routing.Outcome);
        // A broken payload template is "retry" in Alertmanager.
        var payload = await Notifier(Load(Plain) with { MonitoringTool = broken }).SendAsync(Request(), CancellationToken.None);
        Assert.Equal(SendOutcome.Retryable, payload.Outcome);
        Assert.StartsWith("templating error: ", payload.Error);
        Assert.Empty(_server.Requests());
    }
}
