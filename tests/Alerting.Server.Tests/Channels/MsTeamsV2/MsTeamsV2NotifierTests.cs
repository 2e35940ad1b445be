using Alerting.Channels.Http;
using Alerting.Core.Configuration;
using Alerting.GoTemplates;
using Alerting.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Alerting.Channels.MsTeamsV2;

/// <summary>
/// msteamsv2_configs. No capture exists (0.25 had no Teams receiver): the expected bodies follow notify/msteams of the
/// newest Alertmanager, with title, summary and text rendered by amtool from its default.tmpl for the golden alert set.
/// </summary>
public sealed class MsTeamsV2NotifierTests : IDisposable
{
    private const string HookPath = "/workflows/abc/triggers/manual/paths/invoke/SECRETPART";

    private const string FiringBody = """{"type":"message","attachments":[{"contentType":"application/vnd.microsoft.card.adaptive","contentUrl":null,"content":{"$schema":"http://adaptivecards.io/schemas/adaptive-card.json","type":"AdaptiveCard","version":"1.2","body":[{"type":"TextBlock","text":"[FIRING:2] HighRequestLatency (msteamsv2 api-server api warning payments)","weight":"Bolder","size":"Medium","wrap":true,"style":"heading","color":"Attention"},{"type":"TextBlock","text":"\n\n# Alerts Firing:\n\nLabels:\n  - alertname = HighRequestLatency\n  - instance = api-1.example.org:9090\n  - integration = msteamsv2\n  - job = api-server\n  - service = api\n  - severity = warning\n  - team = payments\n\nAnnotations:\n  - description = p99 latency of api-1 is above 500ms for 10 minutes.\n  - runbook_url = https://runbooks.example.org/HighRequestLatency\n  - summary = High request latency on the API\n\nSource: http://prometheus.example.org:9090/graph?g0.expr=latency\u0026g0.tab=1\n\nLabels:\n  - alertname = HighRequestLatency\n  - instance = api-2.example.org:9090\n  - integration = msteamsv2\n  - job = api-server\n  - service = api\n  - severity = warning\n  - team = payments\n\nAnnotations:\n  - description = p99 latency of api-2 is above 500ms for 10 minutes.\n  - runbook_url = https://runbooks.example.org/HighRequestLatency\n  - summary = High request latency on the API\n\nSource: http://prometheus.example.org:9090/graph?g0.expr=latency\u0026g0.tab=1\n\n\n\n\n","wrap":true}],"msteams":{"width":"full"}}}]}""" + "\n";
    private const string ResolvedBody = """{"type":"message","attachments":[{"contentType":"application/vnd.microsoft.card.adaptive","contentUrl":null,"content":{"$schema":"http://adaptivecards.io/schemas/adaptive-card.json","type":"AdaptiveCard","version":"1.2","body":[{"type":"TextBlock","text":"[RESOLVED] HighRequestLatency (msteamsv2 api-server api warning payments)","weight":"Bolder","size":"Medium","wrap":true,"style":"heading","color":"Good"},{"type":"TextBlock","text":"\n\n\n# Alerts Resolved:\n\nLabels:\n  - alertname = HighRequestLatency\n  - instance = api-1.example.org:9090\n  - integration = msteamsv2\n  - job = api-server\n  - service = api\n  - severity = warning\n  - team = payments\n\nAnnotations:\n  - description = p99 latency of api-1 is above 500ms for 10 minutes.\n  - runbook_url = https://runbooks.example.org/HighRequestLatency\n  - summary = High request latency on the API\n\nSource: http://prometheus.example.org:9090/graph?g0.expr=latency\u0026g0.tab=1\n\nLabels:\n  - alertname = HighRequestLatency\n  - instance = api-2.example.org:9090\n  - integration = msteamsv2\n  - job = api-server\n  - service = api\n  - severity = warning\n  - team = payments\n\nAnnotations:\n  - description = p99 latency of api-2 is above 500ms for 10 minutes.\n  - runbook_url = https://runbooks.example.org/HighRequestLatency\n  - summary = High request latency on the API\n\nSource: http://prometheus.example.org:9090/graph?g0.expr=latency\u0026g0.tab=1\n\n\n\n","wrap":true}],"msteams":{"width":"full"}}}]}""" + "\n";

    // The bundled set holds the Teams texts that default.tmpl gained after 0.25.
    private static readonly GoTemplateSet s_templates = GoTemplateSet.Default;

    private readonly WireMockServer _server = LoopbackWireMock.Start();
    private readonly HttpClientProvider _clients = new();

    public void Dispose()
    {
        _server.Dispose();
        _clients.Dispose();
    }

    private void Answer(int status, string body = "1") =>
        _server.Given(WireMock.RequestBuilders.Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(status).WithBody(body));

    private MsTeamsV2Config Load(string extra = "") =>
        TestConfig.Load($"""
            route: {"{"}receiver: r{"}"}
            receivers:
              - name: r
                msteamsv2_configs:
                  - webhook_url: '{_server.Url}{HookPath}'
            {extra}
            """, "alerting.yml").FindReceiver("r")!.Integrations<MsTeamsV2Config>()[0];

    private MsTeamsV2Notifier Notifier(MsTeamsV2Config config) => new(config, _clients, s_templates, new FakeTimeProvider());

    private static NotificationRequest Request(bool resolved = false)
    {
        var data = GoldenCaptures.Data("msteamsv2", resolved);
        return new NotificationRequest("msteamsv2", data.GroupKey, "", data.Alerts.Count) { Data = data };
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Sends_what_Alertmanager_sends(bool resolved)
    {
        Answer(200);
        var result = await Notifier(Load()).SendAsync(Request(resolved), CancellationToken.None);
        Assert.Equal(SendOutcome.Success, result.Outcome);
        var request = Assert.Single(_server.Requests());
        Assert.Equal("POST", request.RequestMessage.Method);
        Assert.Equal(HookPath, request.RequestMessage.Path);
        Assert.Equal("application/json", request.Header("Content-Type"));
        Assert.Equal("Alertmanager/0.25.0", request.Header("User-Agent"));
        Assert.Equal(resolved ? ResolvedBody : FiringBody, request.RequestMessage.Body);
    }

    [Fact]
    public async Task An_Adaptive_Card_in_struct_order_with_the_heading_coloured_by_status()
    {
        Answer(202);
        var config = Load("        title: 'T <1>'\n        text: 'a & b'");
        await Notifier(config).SendAsync(Request(), CancellationToken.None);
        Assert.Equal(
            """{"type":"message","attachments":[{"contentType":"application/vnd.microsoft.card.adaptive","contentUrl":null,"content":{"$schema":"http://adaptivecards.io/schemas/adaptive-card.json","type":"AdaptiveCard","version":"1.2","body":[{"type":"TextBlock","text":"T \u003c1\u003e","weight":"Bolder","size":"Medium","wrap":true,"style":"heading","color":"Attention"},{"type":"TextBlock","text":"a \u0026 b","wrap":true}],"msteams":{"width":"full"}}}]}""" + "\n",
            _server.Requests()[^1].RequestMessage.Body);
        await Notifier(config).SendAsync(Request(resolved: true), CancellationToken.None);
        Assert.Contains("\"color\":\"Good\"", _server.Requests()[^1].RequestMessage.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nothing_is_cut()
    {
        Answer(200);
        var text = new string('x', 100_000);
        await Notifier(Load() with { Title = "t", Text = text }).SendAsync(Request(), CancellationToken.None);
        Assert.Contains(text, _server.Requests()[^1].RequestMessage.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(200, "Success")]
    [InlineData(400, "Permanent")]
    [InlineData(413, "Permanent")]
    [InlineData(429, "Permanent")] // Alertmanager's Retrier retries 5xx only
    [InlineData(500, "Retryable")]
    [InlineData(504, "Retryable")]
    public async Task Only_5xx_is_retried(int status, string outcome)
    {
        Answer(status, status >= 400 ? "Webhook message delivery failed" : "1");
        var result = await Notifier(Load() with { Title = "t", Text = "x" }).SendAsync(Request(), CancellationToken.None);
        Assert.Equal(Enum.Parse<SendOutcome>(outcome), result.Outcome);
        if (status >= 400)
        {
            Assert.Equal($"unexpected status code {status}: Webhook message delivery failed", result.Error);
        }
    }

    [Fact]
    public async Task A_refused_connection_is_retried_without_the_url_in_the_error()
    {
        using var closed = new ClosedPort();
        var config = Load() with { Url = $"http://127.0.0.1:{closed.Port}{HookPath}", Title = "t", Text = "x" };
        var result = await Notifier(config).SendAsync(Request(), CancellationToken.None);
        Assert.Equal(SendOutcome.Retryable, result.Outcome);
        Assert.DoesNotContain("SECRETPART", result.Error!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_url_file_is_read_at_send_time()
    {
        Answer(200);
        using var dir = new TempDirectory("alerting-msteamsv2-");
        var file = Path.Combine(dir.Path, "url");
        File.WriteAllText(file, $"  {_server.Url}{HookPath}\n");
        var config = Load() with { Url = null, UrlFile = file, Title = "t", Text = "x" };
        Assert.Equal(SendOutcome.Success, (await Notifier(config).SendAsync(Request(), CancellationToken.None)).Outcome);
        File.Delete(file);
        Assert.Equal(SendOutcome.Permanent, (await Notifier(config).SendAsync(Request(), CancellationToken.None)).Outcome);
    }
}
