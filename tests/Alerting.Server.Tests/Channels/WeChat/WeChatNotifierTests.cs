using System.Text.Json.Nodes;
using Alerting.Channels.Http;
using Alerting.Core.Configuration;
using Alerting.GoTemplates;
using Alerting.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using WireMock.ResponseBuilders;
using WireMock.Server;
using Req = WireMock.RequestBuilders.Request;

namespace Alerting.Channels.WeChat;

public sealed class WeChatNotifierTests : IDisposable
{
    private const string Token = "ORACLE-WECHAT-ACCESS-TOKEN";

    // No template actions: the default to_party and to_tag are templates.
    private const string Plain = "        message: m\n        to_party: ''\n        to_tag: ''";

    private readonly WireMockServer _server = LoopbackWireMock.Start();
    private readonly HttpClientProvider _clients = new();
    private readonly WeChatTokenCache _tokens = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 8, 0, 0, TimeSpan.Zero));

    public void Dispose()
    {
        _server.Dispose();
        _clients.Dispose();
    }

    private void TokenAnswer(string body = $$"""{"errcode":0,"errmsg":"ok","access_token":"{{Token}}","expires_in":7200}""", int status = 200) =>
        _server.Given(Req.Create().WithPath("/cgi-bin/gettoken").UsingGet()).RespondWith(Response.Create().WithStatusCode(status).WithBody(body));

    private void SendAnswer(string body = """{"errcode":0,"errmsg":"ok"}""", int status = 200) =>
        _server.Given(Req.Create().WithPath("/cgi-bin/message/send").UsingPost()).RespondWith(Response.Create().WithStatusCode(status).WithBody(body));

    // The golden capture's entry, pointed at WireMock.
    private WeChatConfig Load(string extra = "") =>
        TestConfig.Load($"""
            route: {"{"}receiver: r{"}"}
            receivers:
              - name: r
                wechat_configs:
                  - api_url: '{_server.Url}/cgi-bin/'
                    api_secret: golden-wechat-secret
                    corp_id: golden-corp-id
                    agent_id: '1000002'
                    to_user: '@all'
                    send_resolved: true
            {extra}
            """, "alerting.yml").FindReceiver("r")!.Integrations<WeChatConfig>()[0];

    private WeChatNotifier Notifier(WeChatConfig config) => new(config, _tokens, _clients, GoTemplateSet.Default, _time);

    private static NotificationRequest Request(bool resolved = false)
    {
        var data = GoldenCaptures.Data("wechat", resolved);
        return new NotificationRequest("wechat", data.GroupKey, "", data.Alerts.Count) { Data = data };
    }

    private IReadOnlyList<WireMock.Logging.ILogEntry> Sends() => [.. _server.Requests().Where(r => r.RequestMessage.Path.EndsWith("/send", StringComparison.Ordinal))];

    private int TokenFetches() => _server.Requests().Count(r => r.RequestMessage.Path.EndsWith("/gettoken", StringComparison.Ordinal));

    [Fact]
    public async Task Sends_what_Alertmanager_sent_with_one_token_fetch()
    {
        TokenAnswer();
        SendAnswer();
        var config = Load();
        Assert.Equal(SendOutcome.Success, (await Notifier(config).SendAsync(Request(), CancellationToken.None)).Outcome);
        var firing = GoldenCaptures.Requests("wechat", "firing");
        Assert.Equal(2, firing.Count);
        GoldenCaptures.AssertRequest(firing[0], _server.Requests()[0]);
        GoldenCaptures.AssertRequest(firing[1], _server.Requests()[1]);

        Assert.Equal(SendOutcome.Success, (await Notifier(config).SendAsync(Request(resolved: true), CancellationToken.None)).Outcome);
        GoldenCaptures.AssertRequest(Assert.Single(GoldenCaptures.Requests("wechat", "resolved")), _server.Requests()[2]);
        Assert.Equal(3, _server.Requests().Count);
    }

    [Fact]
    public async Task Markdown_goes_in_the_markdown_block_and_the_text_block_stays_empty()
    {
        TokenAnswer();
        SendAnswer();
        var config = Load("        message_type: markdown\n        message: '**hi** & <b>'\n        to_party: '2'\n        to_tag: '3'");
        await Notifier(config).SendAsync(Request(), CancellationToken.None);
        Assert.Equal(
            """{"text":{"content":""},"touser":"@all","toparty":"2","totag":"3","agentid":"1000002","safe":"0","msgtype":"markdown","markdown":{"content":"**hi** \u0026 \u003cb\u003e"}}""" + "\n",
            Sends()[^1].RequestMessage.Body);
        Assert.Equal($"access_token={Token}", Sends()[^1].RequestMessage.RawQuery.TrimStart('?'));
    }

    [Fact]
    public async Task The_token_is_kept_two_hours_then_fetched_again()
    {
        TokenAnswer();
        SendAnswer();
        var config = Load(Plain);
        await Notifier(config).SendAsync(Request(), CancellationToken.None);
        _time.Advance(TimeSpan.FromHours(2));
        await Notifier(config).SendAsync(Request(), CancellationToken.None);
        Assert.Equal(1, TokenFetches());
        _time.Advance(TimeSpan.FromSeconds(1));
        await Notifier(config).SendAsync(Request(), CancellationToken.None);
        Assert.Equal(2, TokenFetches());
        Assert.Equal(3, Sends().Count);
    }

    [Fact]
    public async Task An_expired_token_is_dropped_and_the_message_retried_with_a_new_one()
    {
        TokenAnswer();
        SendAnswer("""{"errcode":42001,"errmsg":"access_token expired"}""");
        var config = Load(Plain);
        var result = await Notifier(config).SendAsync(Request(), CancellationToken.None);
        Assert.Equal(SendOutcome.Retryable, result.Outcome);
        Assert.Equal("access_token expired", result.Error);

        SendAnswer();
        Assert.Equal(SendOutcome.Success, (await Notifier(config).SendAsync(Request(), CancellationToken.None)).Outcome);
        Assert.Equal(2, TokenFetches());
    }

    [Theory]
    [InlineData(200, """{"errcode":40014,"errmsg":"invalid access_token"}""", "Permanent")] // only 42001 is retried
    [InlineData(200, """{"errcode":60020,"errmsg":"not allow to access from your ip"}""", "Permanent")]
    [InlineData(200, "not json", "Retryable")]
    [InlineData(400, "", "Retryable")] // any status but 200 is retried
    [InlineData(429, "", "Retryable")]
    [InlineData(503, "", "Retryable")]
    public async Task Message_send_answers(int status, string body, string outcome)
    {
        TokenAnswer();
        SendAnswer(body, status);
        var result = await Notifier(Load(Plain)).SendAsync(Request(), CancellationToken.None);
        Assert.Equal(Enum.Parse<SendOutcome>(outcome), result.Outcome);
        Assert.DoesNotContain(Token, result.Error!, StringComparison.Ordinal);
        if (status != 200)
        {
            Assert.Equal($"unexpected status code {status}", result.Error);
        }
    }

    [Fact]
    public async Task A_token_answer_without_a_token_is_permanent_and_nothing_is_sent()
    {
        TokenAnswer("""{"errcode":40001,"errmsg":"invalid credential"}""");
        SendAnswer();
        var result = await Notifier(Load(Plain)).SendAsync(Request(), CancellationToken.None);
        Assert.Equal(SendOutcome.Permanent, result.Outcome);
        Assert.Equal("invalid APISecret for CorpID: golden-corp-id", result.Error);
        Assert.Empty(Sends());
    }

    [Fact]
    public async Task The_secret_file_is_read_when_a_token_is_needed()
    {
        TokenAnswer();
        SendAnswer();
        using var dir = new TempDirectory("alerting-wechat-");
        var file = Path.Combine(dir.Path, "secret");
        File.WriteAllText(file, "from-file\n");
        var config = Load(Plain) with { ApiSecret = null, ApiSecretFile = file };
        await Notifier(config).SendAsync(Request(), CancellationToken.None);
        Assert.Equal("/cgi-bin/gettoken?corpid=golden-corp-id&corpsecret=from-file", _server.Requests()[0].RequestMessage.Url[_server.Url!.Length..]);
    }

    [Fact]
    public async Task A_refused_connection_is_retried()
    {
        using var closed = new ClosedPort();
        var result = await Notifier(Load(Plain) with { ApiUrl = $"http://127.0.0.1:{closed.Port}/cgi-bin/" }).SendAsync(Request(), CancellationToken.None);
        Assert.Equal(SendOutcome.Retryable, result.Outcome);
        Assert.DoesNotContain("golden-wechat-secret", result.Error!, StringComparison.Ordinal);
    }

    [Fact]
    public void Urls_are_built_as_net_url_builds_them()
    {
        Assert.Equal("https://q.example/cgi-bin/gettoken?corpid=a+b&corpsecret=%2F%3D%26", WeChatUrls.GetToken("https://q.example/cgi-bin/?x=1", "a b", "/=&"));
        Assert.Equal("https://q.example/cgi-bin/message/send?access_token=t%2B1&x=1", WeChatUrls.MessageSend("https://q.example/cgi-bin/?x=1", "t+1"));
        Assert.Equal("https://q.example/p/", WeChatConfig.WithSlash("https://q.example/p"));
        Assert.Equal("https://q.example/", WeChatConfig.WithSlash("https://q.example"));
    }
}
