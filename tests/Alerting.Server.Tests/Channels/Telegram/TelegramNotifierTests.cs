using System.Text.Json.Nodes;
using Alerting.Channels.Http;
using Alerting.Core.Configuration;
using Alerting.GoTemplates;
using Alerting.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Alerting.Channels.Telegram;

public sealed class TelegramNotifierTests : IDisposable
{
    private const string Ok = """{"ok":true,"result":{"message_id":7,"chat":{"id":42}}}""";

    private readonly WireMockServer _server = LoopbackWireMock.Start();
    private readonly HttpClientProvider _clients = new();
    private readonly TempDirectory _dir = new("alerting-telegram-");

    public void Dispose()
    {
        _server.Dispose();
        _clients.Dispose();
        _dir.Dispose();
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir.Path, name);
        File.WriteAllText(path, content);
        return path;
    }

    private void Answer(int status, string body) =>
        _server.Given(WireMock.RequestBuilders.Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(status).WithBody(body));

    private static TelegramConfig Load(string entry)
    {
        var config = TestConfig.Load($"""
            route: {"{"}receiver: r{"}"}
            receivers:
              - name: r
                telegram_configs:
                  - {entry}
            """, "alerting.yml");
        return config.FindReceiver("r")!.Integrations<TelegramConfig>()[0];
    }

    private TelegramNotifier Notifier(TelegramConfig config) => new(config, _clients, GoTemplateSet.Default, new FakeTimeProvider());

    private static NotificationRequest Request(string capture = "telegram", bool resolved = false)
    {
        var data = GoldenCaptures.Data(capture, resolved);
        return new NotificationRequest(capture, data.GroupKey, "", data.Alerts.Count) { Data = data };
    }

    private JsonObject LastBody() => JsonNode.Parse(_server.Requests()[^1].RequestMessage.Body!)!.AsObject();

    [Theory]
    [InlineData("telegram", "firing", "{bot_token: '123456:ORACLE-telegram-token', chat_id: -1001234567890, parse_mode: HTML}")]
    [InlineData("telegram", "resolved", "{bot_token: '123456:ORACLE-telegram-token', chat_id: -1001234567890, parse_mode: HTML}")]
    [InlineData("telegram-mdv2", "firing", "{bot_token: '654321:ORACLE-telegram-md-token', chat_id: 42, parse_mode: MarkdownV2, disable_notifications: true}")]
    [InlineData("telegram-mdv2", "resolved", "{bot_token: '654321:ORACLE-telegram-md-token', chat_id: 42, parse_mode: MarkdownV2, disable_notifications: true}")]
    public async Task Sends_what_Alertmanager_sent(string capture, string phase, string entry)
    {
        Answer(200, Ok);
        var config = Load(entry) with { ApiUrl = _server.Url! };
        var result = await Notifier(config).SendAsync(Request(capture, phase == "resolved"), CancellationToken.None);
        Assert.Equal(SendOutcome.Success, result.Outcome);
        var expected = GoldenDifferences.Ours(capture, Assert.Single(GoldenCaptures.Requests(capture, phase)));
        GoldenCaptures.AssertRequest(expected, Assert.Single(_server.Requests()));
    }

    [Fact]
    public async Task Parameters_are_strings_in_sorted_order_with_thread_and_no_parse_mode_when_empty()
    {
        Answer(200, Ok);
        var config = Load("{bot_token: t, chat_id: 42, message_thread_id: 9, disable_notifications: true, parse_mode: '', message: 'hi & bye'}") with { ApiUrl = _server.Url! };
        await Notifier(config).SendAsync(Request(), CancellationToken.None);
        Assert.Equal(
            """{"chat_id":"42","disable_notification":"true","disable_web_page_preview":"true","message_thread_id":"9","text":"hi \u0026 bye"}""" + "\n",
            _server.Requests()[^1].RequestMessage.Body);
        Assert.Equal("/bott/sendMessage", _server.Requests()[^1].RequestMessage.Path);
    }

    [Fact]
    public void Text_is_cut_at_4096_runes_with_the_marker_except_in_HTML()
    {
        var emoji = string.Concat(Enumerable.Repeat("🔥", 5000)); // 10,000 UTF-16 units, 5,000 runes
        var (cut, truncated) = TelegramMessage.Text("MarkdownV2", emoji);
        Assert.True(truncated);
        Assert.Equal(4096, cut.EnumerateRunes().Count());
        Assert.EndsWith("🔥…", cut, StringComparison.Ordinal);
        Assert.Equal((emoji[..8192], false), TelegramMessage.Text("Markdown", emoji[..8192])); // exactly 4096 runes

        Assert.Equal((TelegramMessage.HtmlTooLong, true), TelegramMessage.Text("HTML", emoji));
        Assert.Equal((emoji[..8192], false), TelegramMessage.Text("HTML", emoji[..8192]));
    }

    [Fact]
    public async Task A_message_over_the_limit_goes_out_cut()
    {
        Answer(200, Ok);
        var config = Load($"{{bot_token: t, chat_id: 1, parse_mode: Markdown, message: '{new string('x', 5000)}'}}") with { ApiUrl = _server.Url! };
        await Notifier(config).SendAsync(Request(), CancellationToken.None);
        var text = (string)LastBody()["text"]!;
        Assert.Equal(new string('x', 4095) + "…", text);
    }

    [Theory]
    [InlineData(200, Ok, "Success")]
    [InlineData(400, """{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}""", "Retryable")]
    [InlineData(403, """{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}""", "Retryable")]
    [InlineData(429, """{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 5","parameters":{"retry_after":5}}""", "Retryable")]
    [InlineData(500, "oops", "Retryable")]
    [InlineData(200, "not json", "Retryable")]
    [InlineData(200, """{"ok":true,"result":true}""", "Retryable")]
    public async Task Every_failure_is_retried_as_Alertmanager_retries_them(int status, string answer, string outcome)
    {
        Answer(status, answer);
        var config = Load("{bot_token: '123:SECRET-TOKEN', chat_id: 1, message: hi}") with { ApiUrl = _server.Url! };
        var result = await Notifier(config).SendAsync(Request(), CancellationToken.None);
        Assert.Equal(Enum.Parse<SendOutcome>(outcome), result.Outcome);
        if (status == 400)
        {
            Assert.Equal("telegram: Bad Request: chat not found (400)", result.Error);
        }
        Assert.DoesNotContain("SECRET-TOKEN", result.Error ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_connection_is_retried_and_the_token_stays_out_of_the_error()
    {
        using var closed = new ClosedPort();
        var config = Load("{bot_token: '123:SECRET-TOKEN', chat_id: 1, message: hi}") with { ApiUrl = $"http://127.0.0.1:{closed.Port}" };
        var result = await Notifier(config).SendAsync(Request(), CancellationToken.None);
        Assert.Equal(SendOutcome.Retryable, result.Outcome);
        Assert.DoesNotContain("SECRET-TOKEN", result.Error!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_and_chat_id_files_are_read_at_send_time()
    {
        Answer(200, Ok);
        var token = Write("token", "999:FROM-FILE\n");
        var chat = Write("chat", " -100200 \n");
        var config = Load($"{{bot_token_file: '{token}', chat_id_file: '{chat}', message: hi}}") with { ApiUrl = _server.Url! };
        Assert.Equal(SendOutcome.Success, (await Notifier(config).SendAsync(Request(), CancellationToken.None)).Outcome);
        Assert.Equal("/bot999:FROM-FILE/sendMessage", _server.Requests()[^1].RequestMessage.Path);
        Assert.Equal("-100200", (string)LastBody()["chat_id"]!);

        File.WriteAllText(chat, "not a number");
        var bad = await Notifier(config).SendAsync(Request(), CancellationToken.None);
        Assert.Equal(SendOutcome.Retryable, bad.Outcome); // Alertmanager retries these too
        Assert.Contains("could not parse chat_id", bad.Error!, StringComparison.Ordinal);
    }
}
