using System.Text.Json.Nodes;
using Alerting.Channels.Http;
using Alerting.Core.Notifications;
using Alerting.GoTemplates;
using Alerting.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Alerting.Channels.Opsgenie;

public sealed class OpsgenieNotifierTests : IDisposable
{
    // Plain texts for the templated defaults, so these tests do not depend on the template engine.
    private const string Plain = "api_key: og-key\nmessage: M\ndescription: D\nsource: S";

    private readonly WireMockServer _server = LoopbackWireMock.Start();
    private readonly HttpClientProvider _clients = new();
    private readonly CapturingLoggerProvider _logs = new();
    private readonly TempDirectory _dir = new("alerting-og-");

    public void Dispose()
    {
        _server.Dispose();
        _clients.Dispose();
        _dir.Dispose();
    }

    private void Answer(int status, string path = "/*") =>
        _server.Given(WireMock.RequestBuilders.Request.Create().WithPath(path)).RespondWith(Response.Create().WithStatusCode(status).WithBody("{}"));

    private OpsgenieConfig Load(string entry) => ReceiverConfigs.Load<OpsgenieConfig>("opsgenie", entry) with { ApiUrl = _server.Url + "/" };

    private OpsgenieNotifier Notifier(OpsgenieConfig config) => new(config, _clients, GoTemplateSet.Default, _logs.CreateLogger("test"), new FakeTimeProvider());

    private static NotificationRequest Request(bool resolved = false)
    {
        var data = GoldenCaptures.Data("opsgenie", resolved);
        return new NotificationRequest("opsgenie", data.GroupKey, "", data.Alerts.Count) { Data = data };
    }

    private static string Alias => GroupKeyHash.Hash(Request().GroupKey);

    [Theory]
    [InlineData("firing")]
    [InlineData("resolved")]
    public async Task Sends_what_Alertmanager_sent(string phase)
    {
        Answer(202);
        var config = Load("""
            api_key: golden-opsgenie-key
            responders:
              - {name: ops-team, type: team}
              - {username: oncall@example.org, type: user}
              - {name: 'team-a,team-b', type: teams}
              - {id: escalation-id-0001, type: escalation}
            tags: 'golden,{{ .CommonLabels.severity }},{{ .GroupLabels.alertname }}'
            details:
              runbook: '{{ .CommonAnnotations.runbook_url }}'
              firing_count: '{{ .Alerts.Firing | len }}'
            priority: '{{ if eq .CommonLabels.severity "critical" }}P1{{ else }}P3{{ end }}'
            note: 'note for {{ .GroupLabels.alertname }}'
            entity: '{{ .CommonLabels.service }}'
            actions: 'restart,page'
            update_alerts: true
            """);
        var result = await Notifier(config).SendAsync(Request(phase == "resolved"), CancellationToken.None);
        Assert.Equal(SendOutcome.Success, result.Outcome);
        var expected = GoldenCaptures.Requests("opsgenie", phase);
        Assert.Equal(expected.Count, _server.Requests().Count);
        for (var i = 0; i < expected.Count; i++)
        {
            GoldenCaptures.AssertRequest(expected[i], _server.Requests()[i]);
        }
    }

    [Fact]
    public async Task Create_is_Go_encoded_with_common_labels_as_details_and_teams_expanded()
    {
        Answer(202);
        var config = Load($"{Plain}\ndetails: {{severity: overridden, x: <&>}}\ntags: ' a,,b '\nactions: z\nresponders: [{{name: ' t1,t2', type: teams}}, {{id: i, type: schedule}}]");
        await Notifier(config).SendAsync(Request(), CancellationToken.None);
        var sent = Assert.Single(_server.Requests());
        Assert.Equal("POST", sent.RequestMessage.Method);
        Assert.Equal("/v2/alerts", sent.RequestMessage.Path);
        Assert.Equal("GenieKey og-key", sent.Header("Authorization"));
        Assert.Equal("application/json", sent.Header("Content-Type"));
        Assert.Equal("Alertmanager/0.25.0", sent.Header("User-Agent"));
        Assert.Equal(
            "{\"alias\":\"" + Alias + "\",\"message\":\"M\",\"description\":\"D\",\"details\":{\"alertname\":\"HighRequestLatency\",\"integration\":\"opsgenie\"," +
            "\"job\":\"api-server\",\"service\":\"api\",\"severity\":\"overridden\",\"team\":\"payments\",\"x\":\"\\u003c\\u0026\\u003e\"},\"source\":\"S\"," +
            "\"responders\":[{\"name\":\"t1\",\"type\":\"team\"},{\"name\":\"t2\",\"type\":\"team\"},{\"id\":\"i\",\"type\":\"schedule\"}]," +
            "\"tags\":[\"a\",\"b\"],\"actions\":[\"z\"]}\n",
            sent.RequestMessage.Body);
    }

    [Fact]
    public async Task Update_alerts_sets_message_and_description_by_alias()
    {
        Answer(202);
        await Notifier(Load($"{Plain}\nupdate_alerts: true")).SendAsync(Request(), CancellationToken.None);
        var sent = _server.Requests();
        Assert.Equal(["POST /v2/alerts", $"PUT /v2/alerts/{Alias}/message", $"PUT /v2/alerts/{Alias}/description"],
            sent.Select(r => $"{r.RequestMessage.Method} {r.RequestMessage.Path}"));
        Assert.Equal(["alias"], sent[1].RequestMessage.Query!["identifierType"]);
        Assert.Equal("{\"message\":\"M\"}\n", sent[1].RequestMessage.Body);
        Assert.Equal("{\"description\":\"D\"}\n", sent[2].RequestMessage.Body);
        Assert.All(sent, r => Assert.Equal("GenieKey og-key", r.Header("Authorization")));
    }

    [Fact]
    public async Task A_resolved_group_closes_the_alert_by_alias()
    {
        Answer(202);
        await Notifier(Load($"{Plain}\nupdate_alerts: true")).SendAsync(Request(resolved: true), CancellationToken.None);
        var sent = Assert.Single(_server.Requests());
        Assert.Equal($"POST /v2/alerts/{Alias}/close", $"{sent.RequestMessage.Method} {sent.RequestMessage.Path}");
        Assert.Equal("?identifierType=alias", sent.RequestMessage.RawQuery);
        Assert.Equal("{\"source\":\"S\"}\n", sent.RequestMessage.Body);
    }

    [Theory]
    [InlineData(429, "Retryable")]
    [InlineData(500, "Retryable")]
    [InlineData(422, "Permanent")]
    [InlineData(401, "Permanent")]
    public async Task The_first_failure_ends_the_attempt(int status, string outcome)
    {
        Answer(status, "/v2/alerts/*");
        Answer(202, "/v2/alerts");
        var result = await Notifier(Load($"{Plain}\nupdate_alerts: true")).SendAsync(Request(), CancellationToken.None);
        Assert.Equal(Enum.Parse<SendOutcome>(outcome), result.Outcome);
        Assert.Equal($"unexpected status code {status}: {{}}", result.Error);
        Assert.Equal(2, _server.Requests().Count); // create, then the failed message update; no description update
    }

    [Fact]
    public async Task The_message_is_cut_at_130_runes()
    {
        Answer(202);
        var config = Load(Plain) with { Message = string.Concat(Enumerable.Repeat("é🚨", 100)) };
        await Notifier(config).SendAsync(Request(), CancellationToken.None);
        var message = (string)JsonNode.Parse(_server.Requests()[0].RequestMessage.Body!)!["message"]!;
        Assert.Equal(string.Concat(Enumerable.Repeat("é🚨", 64)) + "é…", message);
        Assert.Contains(_logs.Lines, l => l.Message.Contains("truncated message to 130 runes", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_key_file_is_read_at_each_send_and_trimmed()
    {
        Answer(202);
        var file = Path.Combine(_dir.Path, "key");
        await File.WriteAllTextAsync(file, "  file-key\n");
        var notifier = Notifier(Load("api_key_file: " + file + "\nmessage: M\ndescription: D\nsource: S"));
        await notifier.SendAsync(Request(), CancellationToken.None);
        Assert.Equal("GenieKey file-key", _server.Requests()[0].Header("Authorization"));
        File.Delete(file);
        var result = await notifier.SendAsync(Request(), CancellationToken.None);
        Assert.Equal(SendOutcome.Permanent, result.Outcome);
        Assert.StartsWith("read key_file error: ", result.Error);
    }

    [Fact]
    public async Task A_template_error_fails_for_good_without_a_request()
    {
        Answer(202);
        var result = await Notifier(Load(Plain) with { Note = """{{ template "no.such.template" . }}""" }).SendAsync(Request(), CancellationToken.None);
        Assert.Equal(SendOutcome.Permanent, result.Outcome);
        Assert.StartsWith("templating error: ", result.Error);
        Assert.Empty(_server.Requests());
    }

    [Fact]
    public void Endpoints_keep_the_api_urls_query()
    {
        Assert.Equal("https://og/x/v2/alerts/a/close?identifierType=alias&z=1", OpsgenieMessage.Endpoint("https://og/x/?z=1", "v2/alerts/a/close", byAlias: true));
        Assert.Equal("https://og/v2/alerts", OpsgenieMessage.Endpoint("https://og/", "v2/alerts", byAlias: false));
    }
}
