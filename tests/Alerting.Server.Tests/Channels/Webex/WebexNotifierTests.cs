using System.Text;
using System.Text.Json.Nodes;
using Alerting.Channels.Http;
using Alerting.Core.Configuration;
using Alerting.GoTemplates;
using Alerting.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Alerting.Channels.Webex;

public sealed class WebexNotifierTests : IDisposable
{
    private readonly WireMockServer _server = LoopbackWireMock.Start();
    private readonly HttpClientProvider _clients = new();

    public void Dispose()
    {
        _server.Dispose();
        _clients.Dispose();
    }

    private void Answer(int status, string body = "{}") =>
        _server.Given(WireMock.RequestBuilders.Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(status).WithBody(body));

    // The golden capture's entry, pointed at WireMock.
    private WebexConfig Load(string extra = "") =>
        TestConfig.Load($"""
            route: {"{"}receiver: r{"}"}
            receivers:
              - name: r
                webex_configs:
                  - api_url: '{_server.Url}/v1/messages'
                    room_id: golden-room-id
                    http_config:
                      authorization:
                        type: Bearer
                        credentials: golden-webex-token
            {extra}
            """, "alerting.yml").FindReceiver("r")!.Integrations<WebexConfig>()[0];

    private WebexNotifier Notifier(WebexConfig config) => new(config, _clients, GoTemplateSet.Default, new FakeTimeProvider());

    private static NotificationRequest Request(bool resolved = false)
    {
        var data = GoldenCaptures.Data("webex", resolved);
        return new NotificationRequest("webex", data.GroupKey, "", data.Alerts.Count) { Data = data };
    }

    private JsonObject LastBody() => JsonNode.Parse(_server.Requests()[^1].RequestMessage.Body!)!.AsObject();

    [Theory]
    [InlineData("firing")]
    [InlineData("resolved")]
    public async Task Sends_what_Alertmanager_sent(string phase)
    {
        Answer(200);
        var result = await Notifier(Load()).SendAsync(Request(phase == "resolved"), CancellationToken.None);
        Assert.Equal(SendOutcome.Success, result.Outcome);
        GoldenCaptures.AssertRequest(Assert.Single(GoldenCaptures.Requests("webex", phase)), Assert.Single(_server.Requests()));
    }

    [Fact]
    public async Task The_bearer_token_comes_from_http_config()
    {
        Answer(200);
        await Notifier(Load("        message: 'a <b> & c'")).SendAsync(Request(), CancellationToken.None);
        var request = _server.Requests()[^1];
        Assert.Equal("Bearer golden-webex-token", request.Header("Authorization"));
        Assert.Equal("""{"markdown":"a \u003cb\u003e \u0026 c","roomId":"golden-room-id"}""" + "\n", request.RequestMessage.Body);
    }

    [Fact]
    public async Task Markdown_is_cut_at_7439_bytes_without_splitting_a_character()
    {
        Answer(200);
        var text = string.Concat(Enumerable.Repeat("告", 3000)); // 9,000 bytes
        await Notifier(Load() with { Message = text }).SendAsync(Request(), CancellationToken.None);
        var markdown = (string)LastBody()["markdown"]!;
        Assert.Equal(string.Concat(Enumerable.Repeat("告", 2478)) + "…", markdown); // 7,436 bytes before the marker hold 2,478 three-byte characters
        Assert.True(Encoding.UTF8.GetByteCount(markdown) <= WebexMessage.MaxMessageSize);

        var exact = new string('x', 7439);
        await Notifier(Load() with { Message = exact }).SendAsync(Request(), CancellationToken.None);
        Assert.Equal(exact, (string)LastBody()["markdown"]!);
        await Notifier(Load() with { Message = exact + "y" }).SendAsync(Request(), CancellationToken.None);
        Assert.Equal(new string('x', 7436) + "…", (string)LastBody()["markdown"]!);
    }

    [Theory]
    [InlineData(200, "Success")]
    [InlineData(400, "Permanent")]
    [InlineData(401, "Permanent")]
    [InlineData(429, "Permanent")] // Alertmanager's Retrier retries 5xx only
    [InlineData(500, "Retryable")]
    [InlineData(502, "Retryable")]
    public async Task Only_5xx_is_retried(int status, string outcome)
    {
        Answer(status, status >= 400 ? "{\"message\":\"nope\"}" : "{}");
        var result = await Notifier(Load() with { Message = "m" }).SendAsync(Request(), CancellationToken.None);
        Assert.Equal(Enum.Parse<SendOutcome>(outcome), result.Outcome);
        if (status >= 400)
        {
            Assert.Equal($"unexpected status code {status}: {{\"message\":\"nope\"}}", result.Error);
        }
    }

    [Fact]
    public async Task A_refused_connection_is_retried()
    {
        using var closed = new ClosedPort();
        var result = await Notifier(Load() with { ApiUrl = $"http://127.0.0.1:{closed.Port}/v1/messages", Message = "m" }).SendAsync(Request(), CancellationToken.None);
        Assert.Equal(SendOutcome.Retryable, result.Outcome);
    }
}
