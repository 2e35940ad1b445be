using System.Text.Json.Nodes;
using Alerting.Channels.Http;
using Alerting.Core.Configuration;
using Alerting.GoTemplates;
using Alerting.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Alerting.Channels.Discord;

public sealed class DiscordNotifierTests : IDisposable
{
    private const string HookPath = "/api/webhooks/123456789/golden-discord-token";

    private readonly WireMockServer _server = LoopbackWireMock.Start();
    private readonly HttpClientProvider _clients = new();

    public void Dispose()
    {
        _server.Dispose();
        _clients.Dispose();
    }

    private void Answer(int status, string body = "") =>
        _server.Given(WireMock.RequestBuilders.Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(status).WithBody(body));

    private DiscordConfig Load(string extra = "") =>
        TestConfig.Load($"""
            route: {"{"}receiver: r{"}"}
            receivers:
              - name: r
                discord_configs:
                  - webhook_url: '{_server.Url}{HookPath}'
            {extra}
            """, "alerting.yml").FindReceiver("r")!.Integrations<DiscordConfig>()[0];

    private DiscordNotifier Notifier(DiscordConfig config) => new(config, _clients, GoTemplateSet.Default, new FakeTimeProvider());

    private static NotificationRequest Request(bool resolved = false)
    {
        var data = GoldenCaptures.Data("discord", resolved);
        return new NotificationRequest("discord", data.GroupKey, "", data.Alerts.Count) { Data = data };
    }

    private JsonObject LastBody() => JsonNode.Parse(_server.Requests()[^1].RequestMessage.Body!)!.AsObject();

    [Theory]
    [InlineData("firing")]
    [InlineData("resolved")]
    public async Task Sends_what_Alertmanager_sent(string phase)
    {
        Answer(204);
        var result = await Notifier(Load()).SendAsync(Request(phase == "resolved"), CancellationToken.None);
        Assert.Equal(SendOutcome.Success, result.Outcome);
        GoldenCaptures.AssertRequest(Assert.Single(GoldenCaptures.Requests("discord", phase)), Assert.Single(_server.Requests()));
    }

    [Fact]
    public async Task Colour_follows_the_status_and_username_and_avatar_come_after_the_embeds()
    {
        Answer(204);
        var config = Load("        content: hello\n        title: T\n        message: M\n        username: bot\n        avatar_url: 'https://img.example/a.png'");
        await Notifier(config).SendAsync(Request(), CancellationToken.None);
        Assert.Equal(
            """{"content":"hello","embeds":[{"title":"T","description":"M","color":10038562}],"username":"bot","avatar_url":"https://img.example/a.png"}""" + "\n",
            _server.Requests()[^1].RequestMessage.Body);
        await Notifier(config).SendAsync(Request(resolved: true), CancellationToken.None);
        Assert.Equal(0x2ECC71, (int)LastBody()["embeds"]![0]!["color"]!);
    }

    [Fact]
    public async Task An_avatar_url_Go_cannot_parse_is_left_out()
    {
        Answer(204);
        await Notifier(Load("        avatar_url: 'http://x/%zz'\n        title: t\n        message: m")).SendAsync(Request(), CancellationToken.None);
        Assert.False(LastBody().ContainsKey("avatar_url"));
        Assert.False(LastBody().ContainsKey("username"));
    }

    [Fact]
    public async Task Title_description_and_content_are_cut_in_runes()
    {
        Answer(204);
        var emoji = string.Concat(Enumerable.Repeat("🚨", 5000));
        await Notifier(Load() with { Title = emoji, Message = emoji, Content = emoji }).SendAsync(Request(), CancellationToken.None);
        var body = LastBody();
        var embed = body["embeds"]![0]!;
        Assert.Equal(string.Concat(Enumerable.Repeat("🚨", 255)) + "…", (string)embed["title"]!);
        Assert.Equal(4096, ((string)embed["description"]!).EnumerateRunes().Count());
        Assert.Equal(2000, ((string)body["content"]!).EnumerateRunes().Count());
        Assert.EndsWith("…", (string)body["content"]!, StringComparison.Ordinal);

        var exact = string.Concat(Enumerable.Repeat("🚨", 256));
        await Notifier(Load() with { Title = exact, Message = "m" }).SendAsync(Request(), CancellationToken.None);
        Assert.Equal(exact, (string)LastBody()["embeds"]![0]!["title"]!);
    }

    [Theory]
    [InlineData(200, "Success")]
    [InlineData(204, "Success")]
    [InlineData(400, "Permanent")]
    [InlineData(404, "Permanent")]
    [InlineData(429, "Permanent")] // Alertmanager's Retrier retries 5xx only
    [InlineData(500, "Retryable")]
    [InlineData(503, "Retryable")]
    public async Task Only_5xx_is_retried(int status, string outcome)
    {
        Answer(status, status >= 400 ? "{\"message\": \"nope\"}" : "");
        var result = await Notifier(Load("        message: m\n        title: t")).SendAsync(Request(), CancellationToken.None);
        Assert.Equal(Enum.Parse<SendOutcome>(outcome), result.Outcome);
        if (status >= 400)
        {
            Assert.StartsWith($"unexpected status code {status}: {{\"message\": \"nope\"}}", result.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("golden-discord-token", result.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_refused_connection_is_retried()
    {
        using var closed = new ClosedPort();
        var config = Load() with { Url = $"http://127.0.0.1:{closed.Port}{HookPath}" };
        var result = await Notifier(config with { Title = "t", Message = "m" }).SendAsync(Request(), CancellationToken.None);
        Assert.Equal(SendOutcome.Retryable, result.Outcome);
        Assert.DoesNotContain("golden-discord-token", result.Error!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_url_file_is_read_at_send_time()
    {
        Answer(204);
        using var dir = new TempDirectory("alerting-discord-");
        var file = Path.Combine(dir.Path, "url");
        File.WriteAllText(file, $"{_server.Url}{HookPath}\n");
        var config = Load() with { Url = null, UrlFile = file, Title = "t", Message = "m" };
        Assert.Equal(SendOutcome.Success, (await Notifier(config).SendAsync(Request(), CancellationToken.None)).Outcome);
        Assert.Equal(HookPath, _server.Requests()[^1].RequestMessage.Path);
        File.Delete(file);
        Assert.Equal(SendOutcome.Permanent, (await Notifier(config).SendAsync(Request(), CancellationToken.None)).Outcome);
    }
}
