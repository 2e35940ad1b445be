using System.Text.Json.Nodes;
using Alerting.Channels.Http;
using Alerting.Core.Notifications;
using Alerting.GoTemplates;
using Alerting.Infrastructure;
using Alerting.Templating;

namespace Alerting.Channels.Slack;

public sealed class SlackPayloadTests
{
    private readonly List<(string Field, Exception Error)> _failures = [];

    private GoFields Fields(NotificationData data) => new(GoTemplateSet.Default, data, (f, e) => _failures.Add((f, e)));

    private static NotificationData Golden(bool resolved = false) => GoldenCaptures.Data("slack", resolved);

    private static SlackConfig Config(string yaml) =>
        TestConfig.Load($"route: {{receiver: r}}\nreceivers:\n  - name: r\n    slack_configs:\n      - api_url: http://127.0.0.1:1/x\n{yaml}", "slack.yml")
            .Receivers.Single().Integrations<SlackConfig>().Single();

    private static JsonNode Attachment(string body) => JsonNode.Parse(body)!["attachments"]![0]!;

    [Theory]
    [InlineData("firing")]
    [InlineData("resolved")]
    public void The_golden_receiver_unmodified_gives_Alertmanagers_body_field_by_field(string phase)
    {
        var config = GoldenReceivers.Config<SlackConfig>("slack");
        var body = SlackPayload.Alertmanager(config, Fields(Golden(phase == "resolved")));

        GoldenCaptures.AssertBody(GoldenCaptures.Requests("slack", phase).Single(), body);
        Assert.Empty(_failures);
    }

    [Fact]
    public void Every_templated_field_runs_through_the_Go_templates()
    {
        var config = Config("""
                    channel: '#{{ .CommonLabels.team }}'
                    username: 'am-{{ .Receiver }}'
                    color: '{{ if eq .Status "firing" }}#f00{{ end }}'
                    title: 'T {{ .CommonLabels.alertname }}'
                    title_link: '{{ .ExternalURL }}/t'
                    pretext: 'P {{ len .Alerts }}'
                    text: '{{ range .Alerts }}<{{ .Labels.instance }}>{{ end }}'
                    message_text: 'M {{ .Status }}'
                    fallback: 'F {{ .Status | toUpper }}'
                    callback_id: 'C {{ .GroupLabels.alertname }}'
                    footer: 'Foot {{ .CommonLabels.severity }}'
                    icon_emoji: ':{{ .CommonLabels.severity }}:'
                    icon_url: 'https://i.example/{{ .CommonLabels.team }}.png'
                    image_url: 'https://i.example/{{ .CommonLabels.service }}.png'
                    thumb_url: 'https://t.example/{{ .CommonLabels.service }}.png'
                    link_names: true
                    short_fields: true
                    mrkdwn_in: [text]
                    fields:
                      - {title: '{{ .CommonLabels.job }}', value: 'v {{ .CommonLabels.severity }}'}
                      - {title: t2, value: v2, short: false}
                    actions:
                      - {type: button, text: 'Go {{ .Status }}', url: '{{ .ExternalURL }}/a', style: '{{ "primary" }}', name: dropped, value: dropped}
                      - type: '{{ "button" }}'
                        text: Ack
                        name: 'ack-{{ .CommonLabels.team }}'
                        value: '{{ .GroupLabels.alertname }}'
                        confirm: {text: 'Sure {{ .Status }}?', title: '{{ "T" }}', ok_text: '{{ "Yes" }}', dismiss_text: '{{ "No" }}'}
            """);
        var body = SlackPayload.Alertmanager(config, Fields(Golden()));
        var json = JsonNode.Parse(body)!;
        var a = Attachment(body);

        Assert.Equal("#payments", (string)json["channel"]!);
        Assert.Equal("am-slack", (string)json["username"]!);
        Assert.Equal(":warning:", (string)json["icon_emoji"]!);
        Assert.Equal("https://i.example/payments.png", (string)json["icon_url"]!);
        Assert.True((bool)json["link_names"]!);
        Assert.Equal("M firing", (string)json["text"]!);
        Assert.Equal("#f00", (string)a["color"]!);
        Assert.Equal("T HighRequestLatency", (string)a["title"]!);
        Assert.Equal(GoldenCaptures.ExternalUrl + "/t", (string)a["title_link"]!);
        Assert.Equal("P 2", (string)a["pretext"]!);
        Assert.Equal("<api-1.example.org:9090><api-2.example.org:9090>", (string)a["text"]!); // text/template: nothing escaped
        Assert.Equal("F FIRING", (string)a["fallback"]!);
        Assert.Equal("C HighRequestLatency", (string)a["callback_id"]!);
        Assert.Equal("Foot warning", (string)a["footer"]!);
        Assert.Equal("https://i.example/api.png", (string)a["image_url"]!);
        Assert.Equal("https://t.example/api.png", (string)a["thumb_url"]!);
        Assert.Equal(["text"], a["mrkdwn_in"]!.AsArray().Select(m => (string)m!));
        Assert.Equal("""[{"title":"api-server","value":"v warning","short":true},{"title":"t2","value":"v2","short":false}]""", a["fields"]!.ToJsonString());
        // A URL button drops the message-action fields, as Alertmanager's config does.
        Assert.Equal(
            """[{"type":"button","text":"Go firing","url":"http://127.0.0.1:19100/a","style":"primary"},"""
            + """{"type":"button","text":"Ack","name":"ack-payments","value":"HighRequestLatency","confirm":{"text":"Sure firing?","title":"T","ok_text":"Yes","dismiss_text":"No"}}]""",
            a["actions"]!.ToJsonString());
        Assert.Contains("\\u003capi-1", body, StringComparison.Ordinal); // Go's json escapes < and >
        Assert.Empty(_failures);
    }

    [Fact]
    public void The_title_is_cut_at_1024_runes_and_nothing_else_is()
    {
        var long2000 = string.Concat(Enumerable.Repeat("😀é", 1000));
        var config = Config($"        title: '{long2000}'\n        text: '{long2000}'\n");
        var a = Attachment(SlackPayload.Alertmanager(config, Fields(Golden())));

        var title = (string)a["title"]!;
        Assert.Equal(1024, title.EnumerateRunes().Count());
        Assert.EndsWith("😀é😀…", title, StringComparison.Ordinal);
        Assert.Equal(long2000, (string)a["text"]!);
    }

    [Fact]
    public void Unset_fields_take_Alertmanagers_defaults_and_empty_ones_are_left_out()
    {
        var body = SlackPayload.Alertmanager(Config("        title: ''\n        username: ''\n"), Fields(Golden(resolved: true)));
        var json = JsonNode.Parse(body)!;
        var a = Attachment(body);

        Assert.Null(json["username"]); // set empty: omitted, as Go's omitempty does
        Assert.Null(a["title"]);
        Assert.Equal("good", (string)a["color"]!);
        Assert.Equal("[RESOLVED] HighRequestLatency (slack api-server api warning payments) | http://127.0.0.1:19100/#/alerts?receiver=slack", (string)a["fallback"]!);
        Assert.Equal("", (string)a["footer"]!); // never omitted
        Assert.Equal(["fallback", "pretext", "text"], a["mrkdwn_in"]!.AsArray().Select(m => (string)m!));
    }

    [Fact]
    public void A_field_that_fails_falls_back_to_its_default_and_is_reported()
    {
        var config = Config("""
                    title: '{{ template "nope" . }}'
                    color: '{{ .Nope }}'
                    fields: [{title: ok, value: '{{ index .Alerts 7 }}'}]
            """);
        var a = Attachment(SlackPayload.Alertmanager(config, Fields(Golden())));

        Assert.Equal("[FIRING:2] HighRequestLatency (slack api-server api warning payments)", (string)a["title"]!);
        Assert.Equal("danger", (string)a["color"]!);
        Assert.Null(a["fields"]![0]!["value"]); // no default: empty, and omitted
        Assert.Equal(["slack.title", "slack.color", "slack.fields.value"], _failures.Select(f => f.Field));
        Assert.Contains("template \"nope\" not defined", _failures[0].Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Our_message_has_our_title_text_link_colour_and_buttons_unless_the_config_sets_them()
    {
        var links = ActionLinks.Placeholder("http://alerting");
        var content = new SlackContent("our title", "our *text*");
        var ours = Attachment(SlackPayload.Ours(Config(""), Fields(Golden()), content, links));

        Assert.Equal("our title", (string)ours["title"]!);
        Assert.Equal("our *text*", (string)ours["text"]!);
        Assert.Equal("our title", (string)ours["fallback"]!);
        Assert.Equal(links.View, (string)ours["title_link"]!);
        Assert.Equal("danger", (string)ours["color"]!);
        Assert.Equal(["View", "Silence 1h", "Silence 24h", "Acknowledge"], ours["actions"]!.AsArray().Select(b => (string)b!["text"]!));
        Assert.Equal("", (string)ours["footer"]!);

        var own = Attachment(SlackPayload.Ours(
            Config("        color: '#123'\n        actions: [{type: button, text: 'Runbook', url: '{{ .CommonAnnotations.runbook_url }}'}]\n"),
            Fields(Golden()), content, links));
        Assert.Equal("#123", (string)own["color"]!);
        Assert.Equal("""[{"type":"button","text":"Runbook","url":"https://runbooks.example.org/HighRequestLatency"}]""", own["actions"]!.ToJsonString());
    }

    [Fact]
    public void A_field_that_does_not_parse_loads_with_a_warning_and_falls_back_when_sent()
    {
        var config = TestConfig.Load("""
            route: {receiver: r}
            receivers:
              - name: r
                slack_configs:
                  - api_url: http://127.0.0.1:1/x
                    title: '{{ .CommonLabels.alertname'
                    fields: [{title: a, value: '{{ nope }}'}]
            """, "alerting.yml");

        Assert.Equal(
            ["alerting.yml:6: receivers[0].slack_configs[0].title: template: :1: unclosed action",
             "alerting.yml:7: receivers[0].slack_configs[0].fields[0].value: template: :1: function \"nope\" not defined"],
            config.Warnings.Select(w => w[..w.IndexOf(" (Alertmanager", StringComparison.Ordinal)]));
        var a = Attachment(SlackPayload.Alertmanager(config.Receivers.Single().Integrations<SlackConfig>().Single(), Fields(Golden())));
        Assert.Equal("[FIRING:2] HighRequestLatency (slack api-server api warning payments)", (string)a["title"]!);
        Assert.Equal(["slack.title", "slack.fields.value"], _failures.Select(f => f.Field));
    }
}
