using Alerting.Channels.Http;
using Alerting.Core.Configuration;
using Alerting.GoTemplates;
using Alerting.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Alerting.Channels.MsTeamsV1;

/// <summary>
/// msteams_configs. No capture exists (0.25 had no Teams receiver): the expected bodies follow notify/msteams of the
/// newest Alertmanager, with title, summary and text rendered by amtool from its default.tmpl for the golden alert set.
/// </summary>
public sealed class MsTeamsV1NotifierTests : IDisposable
{
    private const string HookPath = "/webhookb2/0000-1111@2222/IncomingWebhook/SECRETPART/3333";

    private const string FiringBody = """{"@context":"http://schema.org/extensions","type":"MessageCard","title":"[FIRING:2] HighRequestLatency (msteams api-server api warning payments)","summary":"[FIRING:2] HighRequestLatency (msteams api-server api warning payments)","text":"\n\n# Alerts Firing:\n\nLabels:\n  - alertname = HighRequestLatency\n  - instance = api-1.example.org:9090\n  - integration = msteams\n  - job = api-server\n  - service = api\n  - severity = warning\n  - team = payments\n\nAnnotations:\n  - description = p99 latency of api-1 is above 500ms for 10 minutes.\n  - runbook_url = https://runbooks.example.org/HighRequestLatency\n  - summary = High request latency on the API\n\nSource: http://prometheus.example.org:9090/graph?g0.expr=latency\u0026g0.tab=1\n\nLabels:\n  - alertname = HighRequestLatency\n  - instance = api-2.example.org:9090\n  - integration = msteams\n  - job = api-server\n  - service = api\n  - severity = warning\n  - team = payments\n\nAnnotations:\n  - description = p99 latency of api-2 is above 500ms for 10 minutes.\n  - runbook_url = https://runbooks.example.org/HighRequestLatency\n  - summary = High request latency on the API\n\nSource: http://prometheus.example.org:9090/graph?g0.expr=latency\u0026g0.tab=1\n\n\n\n\n","themeColor":"8C1A1A"}""" + "\n";
    private const string ResolvedBody = """{"@context":"http://schema.org/extensions","type":"MessageCard","title":"[RESOLVED] HighRequestLatency (msteams api-server api warning payments)","summary":"[RESOLVED] HighRequestLatency (msteams api-server api warning payments)","text":"\n\n\n# Alerts Resolved:\n\nLabels:\n  - alertname = HighRequestLatency\n  - instance = api-1.example.org:9090\n  - integration = msteams\n  - job = api-server\n  - service = api\n  - severity = warning\n  - team = payments\n\nAnnotations:\n  - description = p99 latency of api-1 is above 500ms for 10 minutes.\n  - runbook_url = https://runbooks.example.org/HighRequestLatency\n  - summary = High request latency on the API\n\nSource: http://prometheus.example.org:9090/graph?g0.expr=latency\u0026g0.tab=1\n\nLabels:\n  - alertname = HighRequestLatency\n  - instance = api-2.example.org:9090\n  - integration = msteams\n  - job = api-server\n  - service = api\n  - severity = warning\n  - team = payments\n\nAnnotations:\n  - description = p99 latency of api-2 is above 500ms for 10 minutes.\n  - runbook_url = https://runbooks.example.org/HighRequestLatency\n  - summary = High request latency on the API\n\nSource: http://prometheus.example.org:9090/graph?g0.expr=latency\u0026g0.tab=1\n\n\n\n","themeColor":"2DC72D"}""" + "\n";

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

    private MsTeamsV1Config Load(string extra = "") =>
        TestConfig.Load($"""
            route: {"{"}receiver: r{"}"}
            receivers:
              - name: r
                msteams_configs:
                  - webhook_url: '{_server.Url}{HookPath}'
            {extra}
            """, "alerting.yml").FindReceiver("r")!.Integrations<MsTeamsV1Config>()[0];

    private MsTeamsV1Notifier Notifier(MsTeamsV1Config config) => new(config, _clients, s_templates, new FakeTimeProvider());

    private static NotificationRequest Request(bool resolved = false)
    {
        var data = GoldenCaptures.Data("msteams", resolved);
        return new NotificationRequest("msteams", data.GroupKey, "", data.Alerts.Count) { Data = data };
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
    public async Task A_MessageCard_in_struct_order_coloured_by_status()
    {
        Answer(200);
        var config = Load("        title: 'T <1>'\n        summary: S\n        text: 'a & b'");
        await Notifier(config).SendAsync(Request(), CancellationToken.None);
        Assert.Equal(
            """{"@context":"http://schema.org/extensions","type":"MessageCard","title":"T \u003c1\u003e","summary":"S","text":"a \u0026 b","themeColor":"8C1A1A"}""" + "\n",
            _server.Requests()[^1].RequestMessage.Body);
        await Notifier(config).SendAsync(Request(resolved: true), CancellationToken.None);
        Assert.Contains("\"themeColor\":\"2DC72D\"", _server.Requests()[^1].RequestMessage.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nothing_is_cut()
    {
        Answer(200);
        var text = new string('x', 100_000);
        await Notifier(Load() with { Title = "t", Summary = "s", Text = text }).SendAsync(Request(), CancellationToken.None);
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
        var result = await Notifier(Load() with { Title = "t", Summary = "s", Text = "x" }).SendAsync(Request(), CancellationToken.None);
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
        var config = Load() with { Url = $"http://127.0.0.1:{closed.Port}{HookPath}", Title = "t", Summary = "s", Text = "x" };
        var result = await Notifier(config).SendAsync(Request(), CancellationToken.None);
        Assert.Equal(SendOutcome.Retryable, result.Outcome);
        Assert.DoesNotContain("SECRETPART", result.Error!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_url_file_is_read_at_send_time()
    {
        Answer(200);
        using var dir = new TempDirectory("alerting-msteams-");
        var file = Path.Combine(dir.Path, "url");
        File.WriteAllText(file, $"  {_server.Url}{HookPath}\n");
        var config = Load() with { Url = null, UrlFile = file, Title = "t", Summary = "s", Text = "x" };
        Assert.Equal(SendOutcome.Success, (await Notifier(config).SendAsync(Request(), CancellationToken.None)).Outcome);
        File.Delete(file);
        Assert.Equal(SendOutcome.Permanent, (await Notifier(config).SendAsync(Request(), CancellationToken.None)).Outcome);
    }
}
