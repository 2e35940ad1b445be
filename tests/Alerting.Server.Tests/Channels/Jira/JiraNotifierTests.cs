using Alerting.Channels.Http;
using Alerting.GoTemplates;
using Microsoft.Extensions.Time.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Alerting.Channels.Jira;

/// <summary>
/// The request sequences of Alertmanager 0.34's notify/jira. No capture of a real Alertmanager exists for it: the
/// expected bodies are written from its source (issueSearch, issueFields.MarshalJSON's sorted map, transitions).
/// Texts are set without template actions so the bodies do not depend on the Go template engine.
/// </summary>
public sealed class JiraNotifierTests : IDisposable
{
    /// <summary>sha256 of the sample group key, as <c>echo -n '{}:{alertname="DiskFull"}' | sha256sum</c> prints it.</summary>
    private const string Label = "ALERT{17c4e445d234645c9e547ff6d32a864af0ebdadcd1902771c24c8d366637ff41}";

    private const string OpenIssue = """{"issues":[{"key":"OPS-7","fields":{"status":{"name":"In Progress","statusCategory":{"key":"indeterminate"}}}}]}""";
    private const string DoneIssue = """{"issues":[{"key":"OPS-7","fields":{"status":{"name":"Closed","statusCategory":{"key":"done"}}}},{"key":"OPS-3"}]}""";
    private const string Transitions = """{"transitions":[{"id":"11","name":"To Do"},{"id":"31","name":"Done"}]}""";

    private const string Fields = """
        "components":[{"name":"db"}],"customfield_10000":{"value":"x"},"customfield_10001":"plain","customfield_10002":42,"description":"Details \u0026 more","issuetype":{"name":"Bug"},"labels":["ALERT{17c4e445d234645c9e547ff6d32a864af0ebdadcd1902771c24c8d366637ff41}","alertmanager","team-x"],"priority":{"name":"High"},"project":{"key":"OPS"},"summary":"Disk \u003cfull\u003e"
        """;

    private readonly WireMockServer server = LoopbackWireMock.Start();
    private readonly HttpClientProvider clients = new();

    public void Dispose()
    {
        server.Dispose();
        clients.Dispose();
    }

    private JiraConfig Config(string extra = "", string path = "rest/api/2/") => AlertSamples.Single<JiraConfig>($$"""
            jira_configs:
              - api_url: {{server.At(path)}}
                project: OPS
                issue_type: Bug
                summary: "Disk <full>"
                description: "Details & more"
                priority: High
                labels: [team-x, alertmanager]
                reopen_transition: To Do
                resolve_transition: Done
                reopen_duration: 30m
                wont_fix_resolution: "Won't Fix"
                fields:
                  customfield_10001: plain
                  customfield_10002: 42
                  customfield_10000: {value: x}
                  components: [{name: db}]
        {{extra}}
        """);

    private Task<SendResult> Send(JiraConfig config, bool resolved = false) =>
        new JiraNotifier(config, clients, GoTemplateSet.Default, new FakeTimeProvider(AlertSamples.Now))
            .SendAsync(AlertSamples.Request(AlertSamples.Data(resolved)), CancellationToken.None);

    private void Answer(string method, string path, int status, string body = "")
    {
        var request = Request.Create().WithPath(path);
        request = method switch { "GET" => request.UsingGet(), "PUT" => request.UsingPut(), _ => request.UsingPost() };
        server.Given(request).RespondWith(Response.Create().WithStatusCode(status).WithBody(body));
    }

    private List<string> Sent() => [.. server.Requests().OrderBy(r => r.RequestMessage.DateTime).Select(r => $"{r.RequestMessage.Method} {r.RequestMessage.Path} {r.RequestMessage.Body}".TrimEnd())];

    private static string Search(bool firing) =>
        "POST /rest/api/2/search " + """{"fields":["status"],"jql":"(resolution is EMPTY or resolution != \"Won't Fix\") and """
        + (firing ? @"(resolutiondate is EMPTY OR resolutiondate \u003e= -30m)" : "statusCategory != Done")
        + $$""" and project=\"OPS\" and labels=\"{{Label}}\" order by status ASC,resolutiondate DESC","maxResults":2}""";

    [Fact]
    public async Task Firing_without_an_issue_searches_then_creates_it()
    {
        Answer("POST", "/rest/api/2/search", 200, """{"issues":[]}""");
        Answer("POST", "/rest/api/2/issue", 201, """{"id":"10000","key":"OPS-1"}""");

        var result = await Send(Config());

        Assert.Equal(SendOutcome.Success, result.Outcome);
        Assert.Equal([Search(firing: true), "POST /rest/api/2/issue {\"fields\":{" + Fields + "}}"], Sent());
        var create = server.Requests().Last();
        Assert.Equal("application/json", create.Header("Content-Type"));
        Assert.Equal("en", create.Header("Accept-Language"));
        Assert.EndsWith("}\n", create.RequestMessage.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Firing_with_an_open_issue_updates_it_and_moves_nothing()
    {
        Answer("POST", "/rest/api/2/search", 200, OpenIssue);
        Answer("PUT", "/rest/api/2/issue/OPS-7", 204);

        Assert.Equal(SendOutcome.Success, (await Send(Config())).Outcome);
        Assert.Equal([Search(firing: true), "PUT /rest/api/2/issue/OPS-7 {\"fields\":{" + Fields + "}}"], Sent());
    }

    [Fact]
    public async Task Firing_with_a_recently_done_issue_updates_and_reopens_it()
    {
        Answer("POST", "/rest/api/2/search", 200, DoneIssue);
        Answer("PUT", "/rest/api/2/issue/OPS-7", 204);
        Answer("GET", "/rest/api/2/issue/OPS-7/transitions", 200, Transitions);
        Answer("POST", "/rest/api/2/issue/OPS-7/transitions", 204);

        Assert.Equal(SendOutcome.Success, (await Send(Config())).Outcome);
        Assert.Equal(
            [
                Search(firing: true),
                "PUT /rest/api/2/issue/OPS-7 {\"fields\":{" + Fields + "}}",
                "GET /rest/api/2/issue/OPS-7/transitions",
                """POST /rest/api/2/issue/OPS-7/transitions {"transition":{"id":"11"}}""",
            ],
            Sent());
    }

    [Fact]
    public async Task Resolved_with_an_open_issue_updates_and_resolves_it()
    {
        Answer("POST", "/rest/api/2/search", 200, OpenIssue);
        Answer("PUT", "/rest/api/2/issue/OPS-7", 204);
        Answer("GET", "/rest/api/2/issue/OPS-7/transitions", 200, Transitions);
        Answer("POST", "/rest/api/2/issue/OPS-7/transitions", 204);

        Assert.Equal(SendOutcome.Success, (await Send(Config(), resolved: true)).Outcome);
        var sent = Sent();
        Assert.Equal(Search(firing: false), sent[0]);
        Assert.StartsWith("PUT /rest/api/2/issue/OPS-7 ", sent[1], StringComparison.Ordinal);
        Assert.Equal(["GET /rest/api/2/issue/OPS-7/transitions", """POST /rest/api/2/issue/OPS-7/transitions {"transition":{"id":"31"}}"""], sent[2..]);
    }

    [Fact]
    public async Task Resolved_without_an_issue_creates_nothing()
    {
        Answer("POST", "/rest/api/2/search", 200, """{"issues":null}""");
        Assert.Equal(SendOutcome.Success, (await Send(Config(), resolved: true)).Outcome);
        Assert.Equal([Search(firing: false)], Sent());
    }

    [Fact]
    public async Task Updates_leave_out_the_fields_whose_update_is_disabled()
    {
        Answer("POST", "/rest/api/2/search", 200, OpenIssue);
        Answer("PUT", "/rest/api/2/issue/OPS-7", 204);
        var config = Config() with { Summary = new JiraFieldConfig("s", false), Description = new JiraFieldConfig("d", false) };

        await Send(config);

        var put = Sent()[1];
        Assert.DoesNotContain("\"summary\"", put, StringComparison.Ordinal);
        Assert.DoesNotContain("\"description\"", put, StringComparison.Ordinal);
        Assert.Contains("\"labels\":[", put, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_reopen_settings_a_firing_group_searches_open_issues_only()
    {
        Answer("POST", "/rest/api/2/search", 200, DoneIssue);
        Answer("PUT", "/rest/api/2/issue/OPS-7", 204);
        var config = Config() with { WontFixResolution = "", ReopenTransition = "" };

        await Send(config);

        var sent = Sent();
        Assert.Contains("\"jql\":\"statusCategory != Done and project=\\\"OPS\\\"", sent[0], StringComparison.Ordinal);
        Assert.Equal(2, sent.Count); // updated, not reopened
    }

    [Fact]
    public async Task Api_v3_sends_the_description_as_a_compacted_document()
    {
        Answer("POST", "/rest/api/3/search", 200, """{"issues":[]}""");
        Answer("POST", "/rest/api/3/issue", 201, "{}");
        var adf = """{"type": "doc", "version": 1, "content": [{"type": "paragraph", "content": [{"type": "text", "text": "a <b> \u00e9"}]}]}""";
        var config = Config(path: "rest/api/3") with { Description = new JiraFieldConfig("  " + adf + "\n", null) };

        Assert.Equal(SendOutcome.Success, (await Send(config)).Outcome);
        Assert.Contains(
            """description":{"type":"doc","version":1,"content":[{"type":"paragraph","content":[{"type":"text","text":"a \u003cb\u003e \u00e9"}]}]},"issuetype""",
            Sent()[1],
            StringComparison.Ordinal);

        server.ResetLogEntries();
        var invalid = await Send(config with { Description = new JiraFieldConfig("# Alerts Firing", null) });
        Assert.Equal(SendOutcome.Permanent, invalid.Outcome);
        Assert.Equal("description template: invalid JSON for API v3", invalid.Error);
        Assert.Single(Sent()); // searched, created nothing
    }

    [Fact]
    public async Task The_summary_is_cut_at_255_runes()
    {
        Answer("POST", "/rest/api/2/search", 200, """{"issues":[]}""");
        Answer("POST", "/rest/api/2/issue", 201, "{}");
        await Send(Config() with { Summary = new JiraFieldConfig(new string('s', 300), null) });
        Assert.Contains($"\"summary\":\"{new string('s', 254)}…\"", Sent()[1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("search", 429, "Retryable")]
    [InlineData("search", 500, "Retryable")]
    [InlineData("search", 400, "Permanent")]
    [InlineData("issue", 503, "Retryable")]
    [InlineData("issue", 429, "Retryable")]
    [InlineData("issue", 401, "Permanent")]
    public async Task Only_429_and_5xx_are_retried(string failing, int status, string outcome)
    {
        Answer("POST", "/rest/api/2/search", failing == "search" ? status : 200, failing == "search" ? "nope" : """{"issues":[]}""");
        Answer("POST", "/rest/api/2/issue", failing == "issue" ? status : 201, "nope");

        var result = await Send(Config());

        Assert.Equal(Enum.Parse<SendOutcome>(outcome), result.Outcome);
        Assert.Equal(
            failing == "search"
                ? $"failed to look up existing issues: HTTP request to JIRA API: unexpected status code {status}: nope"
                : $"failed to POST request to \"issue\": unexpected status code {status}: nope",
            result.Error);
    }

    [Fact]
    public async Task A_network_error_is_final_as_in_Alertmanager()
    {
        using var closed = new ClosedPort();
        var result = await Send(Config() with { ApiUrl = $"http://127.0.0.1:{closed.Port}/rest/api/2/" });
        Assert.Equal(SendOutcome.Permanent, result.Outcome);
        Assert.StartsWith("failed to look up existing issues: HTTP request to JIRA API: POST ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_transition_is_a_permanent_error()
    {
        Answer("POST", "/rest/api/2/search", 200, OpenIssue);
        Answer("PUT", "/rest/api/2/issue/OPS-7", 204);
        Answer("GET", "/rest/api/2/issue/OPS-7/transitions", 200, """{"transitions":[{"id":"11","name":"To Do"}]}""");

        var result = await Send(Config(), resolved: true);

        Assert.Equal(SendOutcome.Permanent, result.Outcome);
        Assert.Equal("can't find transition Done for issue OPS-7", result.Error);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Alertmanagers_default_templates_give_summary_description_and_priority(bool resolved)
    {
        Answer("POST", "/rest/api/2/search", 200, resolved ? OpenIssue : """{"issues":[]}""");
        Answer("POST", "/rest/api/2/issue", 201, "{}");
        Answer("PUT", "/rest/api/2/issue/OPS-7", 204);
        var config = AlertSamples.Single<JiraConfig>($"    jira_configs:\n      - {{api_url: '{server.At("rest/api/2/")}', project: OPS, issue_type: Bug}}\n");
        var data = AlertSamples.Data(resolved);

        var result = await new JiraNotifier(config, clients, GoTemplateSet.Default, new FakeTimeProvider(AlertSamples.Now))
            .SendAsync(AlertSamples.Request(data), CancellationToken.None);

        Assert.Equal(SendOutcome.Success, result.Outcome);
        var description = new System.Text.StringBuilder();
        Core.Notifications.GoJson.WriteString(description, Alertmanager34Description(data));
        // Both alerts' severities give High: critical wins over warning, firing or (when none fires) resolved.
        Assert.Equal(
            (resolved ? "PUT /rest/api/2/issue/OPS-7 " : "POST /rest/api/2/issue ") + """{"fields":{"description":""" + description
            + $$""","issuetype":{"name":"Bug"},"labels":["{{Label}}"],"priority":{"name":"High"},"project":{"key":"OPS"},"summary":"[{{(resolved ? "RESOLVED" : "FIRING:2")}}] DiskFull """ + "\"}}",
            Sent()[1]);
    }

    private static string Alertmanager34Description(Core.Notifications.NotificationData data) => DefaultTemplateOutput.AlertsMarkdown(data);
}
