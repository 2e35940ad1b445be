using Alerting.Channels.Http;
using Alerting.GoTemplates;
using Alerting.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Alerting.Channels.RocketChat;

/// <summary>
/// The requests Alertmanager 0.34's notify/rocketchat sends. No capture of a real Alertmanager exists for it: the
/// expected bodies are written from its source (PostMessage, Attachment, field and action structs, their omitempty).
/// Texts are set without template actions so the bodies do not depend on the Go template engine.
/// </summary>
public sealed class RocketChatNotifierTests : IDisposable
{
    private readonly WireMockServer server = LoopbackWireMock.Start();
    private readonly HttpClientProvider clients = new();
    private readonly TempDirectory dir = new("alerting-rocketchat-");

    public void Dispose()
    {
        server.Dispose();
        clients.Dispose();
        dir.Dispose();
    }

    /// <summary>Every default template replaced by plain text (empty ones are left out of the body).</summary>
    private RocketChatConfig Config(string extra = "", string? apiUrl = null, string title = "T <1>") => AlertSamples.Single<RocketChatConfig>($"""
            rocketchat_configs:
              - api_url: {apiUrl ?? server.Url + "/"}
                token_id: uid
                token: tok
                title: "{title}"
        {Blanks(extra)}{extra}
        """);

    private static string Blanks(string extra) => string.Concat(((string[])["color", "emoji", "icon_url", "text", "title_link"])
        .Where(key => !extra.Contains($" {key}:", StringComparison.Ordinal))
        .Select(key => $"        {key}: \"\"\n"));

    private RocketChatNotifier Notifier(RocketChatConfig config) => new(config, clients, GoTemplateSet.Default, new FakeTimeProvider(AlertSamples.Now));

    private void Answer(int status, string body = """{"success":true}""") =>
        server.Given(Request.Create().WithPath("/api/v1/chat.postMessage").UsingPost()).RespondWith(Response.Create().WithStatusCode(status).WithBody(body));

    private Task<SendResult> Send(RocketChatConfig config, bool resolved = false) =>
        Notifier(config).SendAsync(AlertSamples.Request(AlertSamples.Data(resolved)), CancellationToken.None);

    [Fact]
    public async Task Posts_the_message_with_the_users_token()
    {
        Answer(200);
        var config = Config("""
                    channel: "#ops"
                    color: red
                    title_link: http://t.example/
                    text: body
                    emoji: ":fire:"
                    icon_url: http://i.example/a.png
                    image_url: http://i.example/img.png
                    thumb_url: http://i.example/th.png
                    short_fields: true
                    fields: [{title: a, value: b}, {title: c, value: d, short: false}]
                    actions: [{type: ignored, text: Open, url: "http://x.example/", msg: hi, iswebview: true}]
            """);

        var result = await Send(config);

        Assert.Equal(SendOutcome.Success, result.Outcome);
        var request = server.Requests().Single();
        Assert.Equal("/api/v1/chat.postMessage", request.RequestMessage.Path);
        Assert.Equal("tok", request.Header("X-Auth-Token"));
        Assert.Equal("uid", request.Header("X-User-Id"));
        Assert.Equal("application/json", request.Header("Content-Type"));
        Assert.Equal("Alertmanager/0.25.0", request.Header("User-Agent"));
        Assert.Equal(
            """{"channel":"#ops","emoji":":fire:","avatar":"http://i.example/a.png","attachments":[{"title":"T \u003c1\u003e","title_link":"http://t.example/","text":"body","image_url":"http://i.example/img.png","thumb_url":"http://i.example/th.png","color":"red","fields":[{"short":true,"title":"a","value":"b"},{"short":false,"title":"c","value":"d"}],"actions":[{"type":"button","text":"Open","url":"http://x.example/","is_webview":false,"msg":"hi","msg_in_chat_window":false}]}]}""" + "\n",
            request.RequestMessage.Body);
    }

    [Fact]
    public async Task Resolved_groups_are_not_sent_by_default_and_look_the_same_when_they_are()
    {
        Assert.False(Config().SendResolved);
        Answer(200);
        var config = Config("        send_resolved: true");
        Assert.True(config.SendResolved);
        await Send(config, resolved: true);
        Assert.Equal("""{"attachments":[{"title":"T \u003c1\u003e"}]}""" + "\n", server.Requests().Single().RequestMessage.Body);
    }

    [Fact]
    public void The_title_is_cut_at_1024_runes()
    {
        var body = Notifier(Config(title: new string('x', 2000))).BuildBody(AlertSamples.Data()).Body!;
        var title = System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("attachments")[0].GetProperty("title").GetString()!;
        Assert.Equal(new string('x', 1023) + "…", title);
    }

    [Theory]
    [InlineData(200, """{"success":true}""", "Success", null)]
    [InlineData(200, """{"success":false,"error":"error-invalid-channel"}""", "Permanent", "error response from Rocketchat: error-invalid-channel")]
    [InlineData(200, "null", "Permanent", "error response from Rocketchat: ")]
    [InlineData(200, "<html>", "Retryable", "could not unmarshal JSON response")]
    [InlineData(200, """{"success":"yes"}""", "Retryable", "could not unmarshal JSON response")]
    [InlineData(500, "down", "Retryable", "unexpected status code 500: down")]
    [InlineData(429, "slow down", "Permanent", "unexpected status code 429: slow down")]
    [InlineData(401, "who", "Permanent", "unexpected status code 401: who")]
    public async Task Answers_are_judged_as_Alertmanager_judges_them(int status, string body, string outcome, string? error)
    {
        Answer(status, body);
        var result = await Send(Config("        channel: \"#ops\""));
        Assert.Equal(Enum.Parse<SendOutcome>(outcome), result.Outcome);
        if (error is null)
        {
            Assert.Null(result.Error);
        }
        else
        {
            Assert.StartsWith("channel \"#ops\": " + error, result.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Network_errors_are_retried()
    {
        using var closed = new ClosedPort();
        Assert.Equal(SendOutcome.Retryable, (await Send(Config(apiUrl: $"http://127.0.0.1:{closed.Port}/"))).Outcome);
    }

    [Fact]
    public async Task Tokens_come_from_files_and_a_file_wins_over_an_inline_value_from_another_level()
    {
        Answer(200);
        File.WriteAllText(Path.Combine(dir.Path, "token"), "filetok\n");
        File.WriteAllText(Path.Combine(dir.Path, "id"), " fileid \n");
        var config = AlertSamples.Single<RocketChatConfig>(
            $"""
                rocketchat_configs:
                  - token_file: {Path.Combine(dir.Path, "token")}
                    token_id: inline-id
                    api_url: {server.Url}/base
                    title: t
            {Blanks("")}
            """,
            $"  rocketchat_token_id_file: {Path.Combine(dir.Path, "id")}");
        Assert.Equal("inline-id", config.TokenId);

        await Send(config);

        var request = server.Requests().Single();
        Assert.Equal("filetok", request.Header("X-Auth-Token"));
        Assert.Equal("fileid", request.Header("X-User-Id"));
    }

    [Fact]
    public async Task An_unreadable_token_file_is_a_permanent_failure()
    {
        var config = Config() with { Token = null, TokenFile = Path.Combine(dir.Path, "missing") };
        var result = await Send(config);
        Assert.Equal(SendOutcome.Permanent, result.Outcome);
        Assert.Empty(server.Requests());
    }

    [Theory]
    [InlineData(false, """{"attachments":[{"title":"[FIRING:2] DiskFull ","title_link":"http://am.example/#/alerts?receiver=team-x","color":"red"}]}""")]
    [InlineData(true, """{"attachments":[{"title":"[RESOLVED] DiskFull ","title_link":"http://am.example/#/alerts?receiver=team-x","color":"green"}]}""")]
    public async Task Alertmanagers_default_templates_give_title_link_and_colour(bool resolved, string expected)
    {
        Answer(200);
        var config = AlertSamples.Single<RocketChatConfig>($"    rocketchat_configs:\n      - {{api_url: '{server.Url}/', token: t, token_id: i}}\n");
        await new RocketChatNotifier(config, clients, GoTemplateSet.Default, new FakeTimeProvider(AlertSamples.Now))
            .SendAsync(AlertSamples.Request(AlertSamples.Data(resolved)), CancellationToken.None);
        Assert.Equal(expected + "\n", server.Requests().Single().RequestMessage.Body);
    }
}
