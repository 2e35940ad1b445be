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

/// <summary>Alertmanager 0.34's <c>payload</c>: Go templates over a YAML value, sent as JSON instead of the version 4 message.</summary>
public sealed class WebhookPayloadTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly WireMockServer _server = LoopbackWireMock.Start();
    private readonly HttpClientProvider _clients = new();
    private readonly List<string> _failures = [];

    public WebhookPayloadTests() =>
        _server.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(200));

    public void Dispose()
    {
        _server.Dispose();
        _clients.Dispose();
    }

    private static NotificationRequest Message()
    {
        var first = new Core.Alerts.Alert(LabelSet.From(("alertname", "X"), ("team", "db"), ("id", "value1:")), LabelSet.Empty, Now, Now.AddHours(1), "", Now, false);
        var second = new Core.Alerts.Alert(LabelSet.From(("alertname", "Y"), ("team", "db"), ("id", "value1:")), LabelSet.Empty, Now, Now.AddHours(1), "", Now, false);
        var data = NotificationData.Create("r", "{}:{}", LabelSet.From(("team", "db")), [first, second], "http://alerting", Now);
        return new NotificationRequest("r", "{}:{}", "{\"version\":\"4\"}\n", 2) { Data = data };
    }

    private async Task<SendResult> SendAsync(string entry)
    {
        var config = ReceiverConfigs.Load<WebhookConfig>("webhook", $"url: {_server.Url}/hook\n{entry}");
        var notifier = new WebhookNotifier(config, _clients, TimeProvider.System, data => new GoFields(GoTemplateSet.Default, data, (f, _) => _failures.Add(f)));
        return await notifier.SendAsync(Message(), CancellationToken.None);
    }

    private string LastBody() => _server.LogEntries.Last().RequestMessage.Body!;

    [Fact]
    public async Task A_nested_payload_is_rendered_typed_and_encoded_as_Alertmanager_0_34_does()
    {
        // Derived from template.DeepCopyWithTemplate and normalizeYAMLValue: every string and key is a template; a rendered
        // string that parses as YAML to no string (5, yes, '', JSON) becomes that value; what it parsed into is not re-read
        // (#5302: the label "value1:" inside stays a string); max_alerts applies first; keys sorted, HTML escaped, newline.
        var result = await SendAsync("""
            max_alerts: 1
            payload:
              text: '{{ .CommonLabels.alertname }} <b>'
              count: 5
              quoted: "5"
              '{{ .GroupLabels.team }}_key': v
              labels: '{{ .CommonLabels | toJson }}'
              list:
                - '{{ len .Alerts }}'
                - yes
                - ~
                - 'value1:'
                - '  spaced  '
              empty: ''
              nested: {a: [1.5, "x"]}
            """);

        Assert.Equal(SendOutcome.Success, result.Outcome);
        Assert.Equal(
            "{\"count\":5,\"db_key\":\"v\",\"empty\":null,\"labels\":{\"alertname\":\"X\",\"id\":\"value1:\",\"team\":\"db\"},"
            + "\"list\":[1,true,null,{\"value1\":null},\"  spaced  \"],\"nested\":{\"a\":[1.5,\"x\"]},\"quoted\":5,\"text\":\"X \\u003cb\\u003e\"}\n",
            LastBody());
        var request = _server.LogEntries.Last().RequestMessage;
        Assert.Equal("POST", request.Method);
        Assert.StartsWith("application/json", request.Headers!["Content-Type"].Single(), StringComparison.Ordinal);
        Assert.Empty(_failures);
    }

    [Fact]
    public async Task A_string_payload_rendering_a_json_list_is_sent_as_that_list_with_yaml_like_values_kept()
    {
        // Alertmanager's TestWebhookCustomPayloadPreservesYAMLLikeStrings, over our alerts.
        var result = await SendAsync("""
            payload: '{{ $res := list }}{{ range .Alerts }}{{ $res = append $res .Labels }}{{ end }}{{ toJson $res }}'
            """);
        Assert.Equal(SendOutcome.Success, result.Outcome);
        Assert.Equal("[{\"alertname\":\"X\",\"id\":\"value1:\",\"team\":\"db\"},{\"alertname\":\"Y\",\"id\":\"value1:\",\"team\":\"db\"}]\n", LastBody());
    }

    [Fact]
    public async Task Without_a_payload_the_version_4_message_is_sent()
    {
        Assert.Equal(SendOutcome.Success, (await SendAsync("max_alerts: 0")).Outcome);
        Assert.Equal("{\"version\":\"4\"}\n", LastBody());
    }

    [Fact]
    public async Task A_template_that_fails_sends_nothing_and_is_a_permanent_failure()
    {
        // Alertmanager: "failed to render custom payload", and Notify's retry flag is false.
        var result = await SendAsync("""
            payload:
              ok: fine
              bad: '{{ template "no.such.template" . }}'
            """);
        Assert.Equal(SendOutcome.Permanent, result.Outcome);
        Assert.Contains("payload", result.Error, StringComparison.Ordinal);
        Assert.Empty(_server.LogEntries);
        Assert.Equal(["webhook.payload"], _failures);
    }

    [Fact]
    public async Task A_value_json_cannot_encode_is_a_permanent_failure()
    {
        var result = await SendAsync("payload:\n  x: .nan");
        Assert.Equal(SendOutcome.Permanent, result.Outcome);
        Assert.Empty(_server.LogEntries);
    }

    [Fact]
    public void Keys_that_are_no_strings_and_templates_that_do_not_parse_are_warnings_with_file_line_and_field()
    {
        var config = ReceiverConfigs.LoadFile("webhook", "url: http://127.0.0.1/hook\npayload:\n  1: dropped\n  a:\n    b: '{{ .Oops'");
        Assert.Equal(2, config.Warnings.Count);
        Assert.StartsWith("alerting.yml:8: receivers[0].webhook_configs[0].payload: payload key 1 is not a string", config.Warnings[0].ToString(), StringComparison.Ordinal);
        Assert.StartsWith("alerting.yml:10: receivers[0].webhook_configs[0].payload.a.b: template: ", config.Warnings[1].ToString(), StringComparison.Ordinal);
        var payload = Assert.IsType<WebhookPayload.PayloadMap>(Assert.Single(config.FindReceiver("r")!.Integrations<WebhookConfig>()).Payload);
        Assert.Equal("a", Assert.Single(payload.Entries).Key);
    }

    [Theory]
    [InlineData("timeout: 30", "alerting.yml:7: receivers[0].webhook_configs[0].timeout: not a valid duration")]
    [InlineData("timeout: [1s]", "alerting.yml:7: receivers[0].webhook_configs[0].timeout: expected a duration, got a list")]
    public void Timeout_errors_name_file_line_and_field(string entry, string error) =>
        Assert.StartsWith(error, Assert.Single(ReceiverConfigs.Errors("webhook", "url: http://127.0.0.1/hook\n" + entry)), StringComparison.Ordinal);

    [Theory]
    [InlineData("timeout: 0s", 10)]
    [InlineData("timeout: 3s", 3)]
    [InlineData("send_resolved: true", 10)]
    public void A_timeout_of_zero_is_Alertmanagers_none_and_keeps_our_per_attempt_default(string entry, int seconds)
    {
        var config = ReceiverConfigs.Load<WebhookConfig>("webhook", "url: http://127.0.0.1/hook\n" + entry);
        Assert.Equal(TimeSpan.FromSeconds(seconds), new WebhookNotifier(config, _clients, TimeProvider.System).Timeout);
    }
}
