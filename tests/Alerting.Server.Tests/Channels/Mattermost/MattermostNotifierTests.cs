using Alerting.Channels.Http;
using Alerting.GoTemplates;
using Alerting.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Alerting.Channels.Mattermost;

/// <summary>
/// The requests Alertmanager 0.34's notify/mattermost sends. No capture of a real Alertmanager exists for it: the
/// expected bodies are written from its source (request and attachment struct order, omitempty, sanitizeRequest).
/// Texts are set without template actions so the bodies do not depend on the Go template engine.
/// </summary>
public sealed class MattermostNotifierTests : IDisposable
{
    private const string Texts = """
                username: am
                title: T
                title_link: http://t.example/
                fallback: F
                color: danger
        """;

    private readonly WireMockServer server = LoopbackWireMock.Start();
    private readonly HttpClientProvider clients = new();
    private readonly TempDirectory dir = new("alerting-mattermost-");

    public void Dispose()
    {
        server.Dispose();
        clients.Dispose();
        dir.Dispose();
    }

    private MattermostConfig Config(string extra = "", string? url = null, string text = "plain") => AlertSamples.Single<MattermostConfig>($"""
            mattermost_configs:
              - webhook_url: {url ?? server.At("hooks/k3y").ToString()}
                text: {text}
        {Texts}
        {extra}
        """);

    private MattermostNotifier Notifier(MattermostConfig config) => new(config, clients, GoTemplateSet.Default, new FakeTimeProvider(AlertSamples.Now));

    private void Answer(int status, string body = "ok") =>
        server.Given(Request.Create().WithPath("/hooks/k3y").UsingPost()).RespondWith(Response.Create().WithStatusCode(status).WithBody(body));

    private string LastBody() => server.Requests().Last().RequestMessage.Body!;

    [Fact]
    public async Task Firing_posts_one_attachment_with_the_text_fields_props_and_priority()
    {
        Answer(200);
        var config = Config("""
                    channel: ops
                    fields: [{title: a, value: b, short: true}, {title: c, value: d}]
                    props: {card: card text}
                    priority: {priority: URGENT, requested_ack: true, persistent_notifications: true}
            """, text: "\"Disk <full> & more\"");

        var result = await Notifier(config).SendAsync(AlertSamples.Request(AlertSamples.Data()), CancellationToken.None);

        Assert.Equal(SendOutcome.Success, result.Outcome);
        Assert.Equal(
            """{"channel":"ops","username":"am","attachments":[{"fallback":"F","color":"danger","text":"Disk \u003cfull\u003e \u0026 more","title":"T","title_link":"http://t.example/","fields":[{"title":"a","value":"b","short":true},{"title":"c","value":"d"}]}],"props":{"card":"card text"},"priority":{"priority":"urgent","requested_ack":true,"persistent_notifications":true}}""" + "\n",
            LastBody());
        var request = server.Requests().Last();
        Assert.Equal("application/json", request.Header("Content-Type"));
        Assert.Equal("Alertmanager/0.25.0", request.Header("User-Agent"));
    }

    [Fact]
    public async Task Resolved_is_sent_by_default_and_configured_attachments_take_the_text_into_the_post()
    {
        Answer(200);
        var config = Config("""
                    icon_emoji: ":fire:"
                    type: custom_alert
                    priority: {priority: bogus, requested_ack: true}
                    attachments: [{title: A1, text: t1, fields: [{title: x, value: y, short: false}]}, {color: good}]
            """, text: "top");
        Assert.True(config.SendResolved);

        await Notifier(config).SendAsync(AlertSamples.Request(AlertSamples.Data(resolved: true)), CancellationToken.None);

        // The config's title, color, fallback are not used with attachments; an unknown priority becomes standard, without ack.
        Assert.Equal(
            """{"text":"top","username":"am","icon_emoji":":fire:","attachments":[{"text":"t1","title":"A1","fields":[{"title":"x","value":"y","short":false}]},{"color":"good"}],"type":"custom_alert","priority":{"priority":"standard"}}""" + "\n",
            LastBody());
    }

    [Theory]
    [InlineData("important", true, true, "important", true, false)]
    [InlineData("Urgent", false, true, "urgent", false, true)]
    [InlineData("standard", true, true, "standard", false, false)]
    internal void Priority_is_sanitized_as_Alertmanager_does(string given, bool ack, bool persistent, string priority, bool wantAck, bool wantPersistent) =>
        Assert.Equal(new MattermostPriorityConfig(priority, wantAck, wantPersistent), MattermostNotifier.Sanitize(new MattermostPriorityConfig(given, ack, persistent)));

    [Fact]
    public void The_post_text_is_cut_at_16383_runes_and_an_attachment_text_is_not()
    {
        var text = string.Concat(Enumerable.Repeat("é", MattermostNotifier.MaxTextRunes + 1));
        var withAttachments = Notifier(Config("        attachments: [{title: a}]", text: text)).BuildBody(AlertSamples.Data()).Body!;
        var post = System.Text.Json.JsonDocument.Parse(withAttachments).RootElement.GetProperty("text").GetString()!;
        Assert.Equal(MattermostNotifier.MaxTextRunes, post.Length);
        Assert.EndsWith("é…", post, StringComparison.Ordinal);

        var single = Notifier(Config(text: text)).BuildBody(AlertSamples.Data()).Body!;
        Assert.Equal(text, System.Text.Json.JsonDocument.Parse(single).RootElement.GetProperty("attachments")[0].GetProperty("text").GetString());
    }

    [Theory]
    [InlineData(500, "Retryable")]
    [InlineData(503, "Retryable")]
    [InlineData(429, "Permanent")]
    [InlineData(400, "Permanent")]
    [InlineData(404, "Permanent")]
    public async Task Only_5xx_is_retried(int status, string outcome)
    {
        Answer(status, "went wrong");
        var result = await Notifier(Config("        channel: ops")).SendAsync(AlertSamples.Request(AlertSamples.Data()), CancellationToken.None);
        Assert.Equal(Enum.Parse<SendOutcome>(outcome), result.Outcome);
        Assert.Equal($"channel \"ops\": unexpected status code {status}: went wrong", result.Error);
    }

    [Fact]
    public async Task Network_errors_are_retried_and_the_webhook_key_stays_out_of_errors()
    {
        using var closed = new ClosedPort();
        var result = await Notifier(Config(url: $"http://127.0.0.1:{closed.Port}/hooks/s3cr3tkey")).SendAsync(AlertSamples.Request(AlertSamples.Data()), CancellationToken.None);
        Assert.Equal(SendOutcome.Retryable, result.Outcome);
        Assert.DoesNotContain("s3cr3tkey", result.Error!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Webhook_url_file_is_read_at_each_send()
    {
        Answer(200);
        var file = Path.Combine(dir.Path, "url");
        File.WriteAllText(file, server.At("hooks/k3y") + "\n");
        var config = AlertSamples.Single<MattermostConfig>($"    mattermost_configs:\n      - webhook_url_file: {file}\n        text: plain\n{Texts}");
        var result = await Notifier(config).SendAsync(AlertSamples.Request(AlertSamples.Data()), CancellationToken.None);
        Assert.Equal(SendOutcome.Success, result.Outcome);

        File.Delete(file);
        Assert.Equal(SendOutcome.Permanent, (await Notifier(config).SendAsync(AlertSamples.Request(AlertSamples.Data()), CancellationToken.None)).Outcome);
    }

    [Fact]
    public async Task A_template_that_fails_is_a_permanent_failure()
    {
        var result = await Notifier(Config("        channel: '{{ template \"nope\" . }}'")).SendAsync(AlertSamples.Request(AlertSamples.Data()), CancellationToken.None);
        Assert.Equal(SendOutcome.Permanent, result.Outcome);
        Assert.Empty(server.Requests());
    }

    [Fact]
    public async Task Alertmanagers_default_templates_fill_the_attachment()
    {
        Answer(200);
        var config = AlertSamples.Single<MattermostConfig>($"    mattermost_configs:\n      - webhook_url: {server.At("hooks/k3y")}\n");
        var data = AlertSamples.Data();

        await new MattermostNotifier(config, clients, GoTemplateSet.Default, new FakeTimeProvider(AlertSamples.Now)).SendAsync(AlertSamples.Request(data), CancellationToken.None);

        var text = new System.Text.StringBuilder();
        // The templates see the data escaped for markdown (the sample's "<full>" as "\<full\>").
        Core.Notifications.GoJson.WriteString(text, DefaultTemplateOutput.AlertsMarkdown(Templating.ChatData.Escape(data, Templating.ChatText.CommonMark)));
        Assert.Equal(
            """{"username":"Alertmanager","attachments":[{"fallback":"[FIRING:2] DiskFull  | http://am.example/#/alerts?receiver=team-x","color":"danger","text":"""
            + text + ""","title":"[FIRING:2] DiskFull ","title_link":"http://am.example/#/alerts?receiver=team-x"}]}""" + "\n",
            LastBody());
    }
}
