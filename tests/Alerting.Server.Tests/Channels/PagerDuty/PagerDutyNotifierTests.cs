using System.Text.Json.Nodes;
using Alerting.Channels.Http;
using Alerting.GoTemplates;
using Alerting.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Alerting.Channels.PagerDuty;

public sealed class PagerDutyNotifierTests : IDisposable
{
    // Plain texts for every templated field, so these tests do not depend on the template engine.
    private const string Plain = "description: D\nclient: C\nclient_url: U\ndetails: {firing: f, resolved: r, num_firing: '2', num_resolved: '0'}";

    private readonly WireMockServer _server = LoopbackWireMock.Start();
    private readonly HttpClientProvider _clients = new();
    private readonly CapturingLoggerProvider _logs = new();
    private readonly TempDirectory _dir = new("alerting-pd-");

    public void Dispose()
    {
        _server.Dispose();
        _clients.Dispose();
        _dir.Dispose();
    }

    private void Answer(int status, string body = """{"status":"success"}""") =>
        _server.Given(WireMock.RequestBuilders.Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(status).WithBody(body));

    private PagerDutyConfig Load(string entry) => ReceiverConfigs.Load<PagerDutyConfig>("pagerduty", entry) with { Url = _server.Url + "/v2/enqueue" };

    private PagerDutyNotifier Notifier(PagerDutyConfig config) =>
        new(config, _clients, GoTemplateSet.Default, _logs.CreateLogger("test"), new FakeTimeProvider()) { V1Url = _server.Url + "/generic/2010-04-15/create_event.json" };

    private static NotificationRequest Request(string capture = "pagerduty-v2", bool resolved = false)
    {
        var data = GoldenCaptures.Data(capture, resolved);
        return new NotificationRequest(capture, data.GroupKey, "", data.Alerts.Count) { Data = data };
    }

    private string Body() => _server.Requests()[^1].RequestMessage.Body!;

    private const string GoldenV2 = """
        routing_key: golden-routing-key-0123456789abcdef
        severity: '{{ if eq .CommonLabels.severity "critical" }}critical{{ else }}warning{{ end }}'
        class: '{{ .CommonLabels.alertname }}'
        component: '{{ .CommonLabels.service }}'
        group: '{{ .CommonLabels.team }}'
        details:
          runbook: '{{ .CommonAnnotations.runbook_url }}'
        links:
          - href: '{{ .ExternalURL }}'
            text: Alertmanager
        images:
          - src: https://example.org/graph.png
            alt: graph
            href: https://example.org/graph
        """;

    [Theory]
    [InlineData("pagerduty-v2", "firing")]
    [InlineData("pagerduty-v2", "resolved")]
    [InlineData("pagerduty-v1", "firing")]
    [InlineData("pagerduty-v1", "resolved")]
    public async Task Sends_what_Alertmanager_sent(string capture, string phase)
    {
        Answer(202);
        var config = Load(capture == "pagerduty-v1" ? "service_key: golden-service-key-v1" : GoldenV2);
        var result = await Notifier(config).SendAsync(Request(capture, phase == "resolved"), CancellationToken.None);
        Assert.Equal(SendOutcome.Success, result.Outcome);
        var expected = Assert.Single(GoldenCaptures.Requests(capture, phase));
        GoldenCaptures.AssertRequest(expected, Assert.Single(_server.Requests()));
    }

    [Fact]
    public async Task A_v2_trigger_is_Go_encoded_in_struct_order()
    {
        Answer(202);
        var config = Load($"routing_key: rk\n{Plain}\nseverity: info\nclass: <c&>\nimages: [{{src: s, alt: a}}, {{src: '', alt: dropped}}]\nlinks: [{{href: h, text: t}}, {{text: dropped}}]");
        await Notifier(config).SendAsync(Request(), CancellationToken.None);
        var dedup = Core.Notifications.GroupKeyHash.Hash(Request().GroupKey);
        Assert.Equal(
            "{\"routing_key\":\"rk\",\"dedup_key\":\"" + dedup + "\",\"event_action\":\"trigger\",\"payload\":{\"summary\":\"D\",\"source\":\"C\",\"severity\":\"info\"," +
            "\"class\":\"\\u003cc\\u0026\\u003e\",\"custom_details\":{\"firing\":\"f\",\"num_firing\":\"2\",\"num_resolved\":\"0\",\"resolved\":\"r\"}}," +
            "\"client\":\"C\",\"client_url\":\"U\",\"images\":[{\"src\":\"s\",\"alt\":\"a\",\"href\":\"\"}],\"links\":[{\"href\":\"h\",\"text\":\"t\"}]}\n",
            Body());
        var sent = _server.Requests()[0];
        Assert.Equal("/v2/enqueue", sent.RequestMessage.Path);
        Assert.Equal("application/json", sent.Header("Content-Type"));
        Assert.Equal("Alertmanager/0.25.0", sent.Header("User-Agent"));
        Assert.Null(sent.Header("Accept-Encoding")); // as Alertmanager's client, which disables compression
    }

    [Fact]
    public async Task Severity_defaults_to_error_and_resolve_keeps_the_key()
    {
        Answer(202);
        var notifier = Notifier(Load($"routing_key: rk\n{Plain}"));
        await notifier.SendAsync(Request(), CancellationToken.None);
        var trigger = JsonNode.Parse(Body())!;
        await notifier.SendAsync(Request(resolved: true), CancellationToken.None);
        var resolve = JsonNode.Parse(Body())!;
        Assert.Equal("error", (string)trigger["payload"]!["severity"]!);
        Assert.Equal("resolve", (string)resolve["event_action"]!);
        Assert.Equal((string)trigger["dedup_key"]!, (string)resolve["dedup_key"]!);
        Assert.Equal(Core.Notifications.GroupKeyHash.Hash(Request().GroupKey), (string)resolve["dedup_key"]!);
    }

    [Fact]
    public async Task A_v1_resolve_leaves_out_client_and_sends_a_null_payload()
    {
        Answer(200);
        await Notifier(Load($"service_key: sk\n{Plain}")).SendAsync(Request("pagerduty-v1", resolved: true), CancellationToken.None);
        var key = Core.Notifications.GroupKeyHash.Hash(Request("pagerduty-v1").GroupKey);
        Assert.Equal(
            "{\"service_key\":\"sk\",\"incident_key\":\"" + key + "\",\"event_type\":\"resolve\",\"description\":\"D\",\"event_action\":\"\",\"payload\":null," +
            "\"details\":{\"firing\":\"f\",\"num_firing\":\"2\",\"num_resolved\":\"0\",\"resolved\":\"r\"}}\n",
            Body());
        Assert.Equal("/generic/2010-04-15/create_event.json", _server.Requests()[0].RequestMessage.Path);
    }

    [Theory]
    [InlineData("routing_key: rk", 429, "Retryable")]
    [InlineData("routing_key: rk", 500, "Retryable")]
    [InlineData("routing_key: rk", 403, "Permanent")]
    [InlineData("routing_key: rk", 404, "Permanent")]
    [InlineData("service_key: sk", 403, "Retryable")]
    [InlineData("service_key: sk", 503, "Retryable")]
    [InlineData("service_key: sk", 429, "Permanent")]
    public async Task Retries_as_each_API_version_says(string key, int status, string outcome)
    {
        Answer(status, "busy");
        var result = await Notifier(Load($"{key}\n{Plain}")).SendAsync(Request(), CancellationToken.None);
        Assert.Equal(Enum.Parse<SendOutcome>(outcome), result.Outcome);
        Assert.Equal(status, result.StatusCode);
        Assert.Equal($"unexpected status code {status}", result.Error); // errDetails reads only a 400's body
    }

    [Fact]
    public async Task A_bad_request_says_what_PagerDuty_said()
    {
        Answer(400, """{"status":"invalid event","message":"Event object is invalid","errors":["Length of 'routing_key' is incorrect","x"]}""");
        var result = await Notifier(Load($"routing_key: rk\n{Plain}")).SendAsync(Request(), CancellationToken.None);
        Assert.Equal(SendOutcome.Permanent, result.Outcome);
        Assert.Equal("unexpected status code 400: Event object is invalid: Length of 'routing_key' is incorrect,x", result.Error);
    }

    [Fact]
    public async Task The_summary_is_cut_at_1024_runes_with_a_marker_and_a_warning()
    {
        Answer(202);
        var config = Load($"routing_key: rk\n{Plain}") with { Description = string.Concat(Enumerable.Repeat("🔥", 1100)) };
        await Notifier(config).SendAsync(Request(), CancellationToken.None);
        var summary = (string)JsonNode.Parse(Body())!["payload"]!["summary"]!;
        Assert.Equal(string.Concat(Enumerable.Repeat("🔥", 1023)) + "…", summary);
        Assert.Contains(_logs.Lines, l => l.Message.Contains("truncated summary to 1024 runes", StringComparison.Ordinal));

        _logs.Clear();
        await Notifier(config with { Description = string.Concat(Enumerable.Repeat("🔥", 1024)) }).SendAsync(Request(), CancellationToken.None);
        Assert.Equal(string.Concat(Enumerable.Repeat("🔥", 1024)), (string)JsonNode.Parse(Body())!["payload"]!["summary"]!);
        Assert.Empty(_logs.Lines);
    }

    [Fact]
    public async Task An_event_over_512_KB_loses_its_custom_details()
    {
        Answer(202);
        var big = new string('x', 600_000);
        var config = Load($"routing_key: rk\n{Plain}");
        config = config with { Details = [.. config.Details, new("huge", new PagerDutyDetail.TemplateDetail(big))] };
        await Notifier(config).SendAsync(Request(), CancellationToken.None);
        var body = JsonNode.Parse(Body())!;
        Assert.Equal(
            """{"error":"Custom details have been removed because the original event exceeds the maximum size of 512KB"}""",
            body["payload"]!["custom_details"]!.ToJsonString());
        Assert.Contains(_logs.Lines, l => l.Message.Contains("exceeds limit 512KB", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_routing_key_comes_from_its_file_at_each_send()
    {
        Answer(202);
        var file = Path.Combine(_dir.Path, "key");
        await File.WriteAllTextAsync(file, "from-file\n");
        var notifier = Notifier(Load($"routing_key_file: {file}\n{Plain}"));
        await notifier.SendAsync(Request(), CancellationToken.None);
        Assert.Equal("from-file", (string)JsonNode.Parse(Body())!["routing_key"]!);

        File.Delete(file);
        var result = await notifier.SendAsync(Request(), CancellationToken.None);
        Assert.Equal(SendOutcome.Permanent, result.Outcome);
        Assert.StartsWith("failed to read routing key from file: ", result.Error);
        Assert.Single(_server.Requests());
    }

    [Fact]
    public async Task A_template_error_fails_for_good_without_a_request()
    {
        Answer(202);
        var result = await Notifier(Load($"routing_key: rk\n{Plain}") with
        {
            Class = """{{ template "no.such.template" . }}""",
        }).SendAsync(Request(), CancellationToken.None);
        Assert.Equal(SendOutcome.Permanent, result.Outcome);
        Assert.StartsWith("failed to template PagerDuty v2 message: ", result.Error);
        Assert.Empty(_server.Requests());
    }

    [Fact]
    public void The_oversize_note_and_sizes_read_as_Alertmanagers()
    {
        Assert.Equal("512KB", PagerDutyMessage.MetricBytes(512000));
        Assert.Equal("600KB123B", PagerDutyMessage.MetricBytes(600123));
        Assert.Equal("1MB", PagerDutyMessage.MetricBytes(1000000));
        Assert.Equal("0B", PagerDutyMessage.MetricBytes(0));
    }
}
