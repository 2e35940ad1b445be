using Alerting.Channels.Http;
using Alerting.GoTemplates;
using Alerting.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Alerting.Channels.Pushover;

public sealed class PushoverNotifierTests : IDisposable
{
    private const string Plain = "user_key: po-user\ntoken: po-token\ntitle: T\nmessage: M\nurl: https://am/x\npriority: '2'";

    private readonly WireMockServer _server = LoopbackWireMock.Start();
    private readonly HttpClientProvider _clients = new();
    private readonly CapturingLoggerProvider _logs = new();
    private readonly TempDirectory _dir = new("alerting-po-");

    public void Dispose()
    {
        _server.Dispose();
        _clients.Dispose();
        _dir.Dispose();
    }

    private void Answer(int status) =>
        _server.Given(WireMock.RequestBuilders.Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(status).WithBody("""{"status":0}"""));

    private static PushoverConfig Load(string entry) => ReceiverConfigs.Load<PushoverConfig>("pushover", entry);

    private PushoverNotifier Notifier(PushoverConfig config) =>
        new(config, _clients, GoTemplateSet.Default, _logs.CreateLogger("test"), new FakeTimeProvider()) { ApiUrl = _server.Url + "/1/messages.json" };

    private static NotificationRequest Request(bool resolved = false)
    {
        var data = GoldenCaptures.Data("pushover", resolved);
        return new NotificationRequest("pushover", data.GroupKey, "", data.Alerts.Count) { Data = data };
    }

    private string Query() => _server.Requests()[^1].RequestMessage.Url[(_server.Requests()[^1].RequestMessage.Url.IndexOf('?', StringComparison.Ordinal) + 1)..];

    [Theory]
    [InlineData("firing")]
    [InlineData("resolved")]
    public async Task Sends_what_Alertmanager_sent(string phase)
    {
        Answer(200);
        var config = Load("user_key: golden-pushover-user\ntoken: golden-pushover-token\nurl_title: Open Alertmanager");
        var result = await Notifier(config).SendAsync(Request(phase == "resolved"), CancellationToken.None);
        Assert.Equal(SendOutcome.Success, result.Outcome);
        var expected = Assert.Single(GoldenCaptures.Requests("pushover", phase));
        // The capture shows the external URL as a placeholder, in the query too.
        expected = expected with { Query = [.. expected.Query.Select(q => (q.Name, q.Value.Replace("<EXTERNAL_URL>", GoldenCaptures.ExternalUrl, StringComparison.Ordinal)))] };
        GoldenCaptures.AssertRequest(expected, Assert.Single(_server.Requests()));
    }

    [Fact]
    public async Task Parameters_go_in_the_sorted_query_of_an_empty_post()
    {
        Answer(200);
        await Notifier(Load($"{Plain}\nurl_title: Open it\nsound: siren\nttl: 1h\nretry: 90s\nexpire: 2h")).SendAsync(Request(), CancellationToken.None);
        var sent = Assert.Single(_server.Requests());
        Assert.Equal("POST", sent.RequestMessage.Method);
        Assert.Equal("/1/messages.json", sent.RequestMessage.Path);
        Assert.Equal("text/plain", sent.Header("Content-Type"));
        Assert.Equal("0", sent.Header("Content-Length"));
        Assert.Equal("Alertmanager/0.25.0", sent.Header("User-Agent"));
        Assert.Equal(
            "expire=7200&message=M&priority=2&retry=90&sound=siren&title=T&token=po-token&ttl=3600&url=https%3A%2F%2Fam%2Fx&url_title=Open+it&user=po-user",
            Query());
    }

    [Fact]
    public async Task Html_monospace_and_device_are_sent_only_when_asked_for()
    {
        Answer(200);
        await Notifier(Load($"{Plain}\nhtml: true\ndevice: phone")).SendAsync(Request(), CancellationToken.None);
        Assert.Contains("&html=1&", Query(), StringComparison.Ordinal);
        Assert.StartsWith("device=phone&", Query(), StringComparison.Ordinal);
        await Notifier(Load($"{Plain}\nmonospace: true")).SendAsync(Request(), CancellationToken.None);
        Assert.Contains("&monospace=1&", Query(), StringComparison.Ordinal);
        Assert.DoesNotContain("html=", Query(), StringComparison.Ordinal);
        Assert.DoesNotContain("device=", Query(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Title_message_and_url_are_cut_to_Pushovers_limits()
    {
        Answer(200);
        var config = Load(Plain) with
        {
            Title = string.Concat(Enumerable.Repeat("🔥", 251)),
            Message = "  " + string.Concat(Enumerable.Repeat("x", 1100)),
            Url = "https://am/" + new string('u', 600),
        };
        await Notifier(config).SendAsync(Request(), CancellationToken.None);
        var query = _server.Requests()[0].RequestMessage.Query!;
        Assert.Equal(string.Concat(Enumerable.Repeat("🔥", 249)) + "…", Assert.Single(query["title"]));
        Assert.Equal(new string('x', 1021) + "…", Assert.Single(query["message"])); // cut, then trimmed
        Assert.Equal(512, Assert.Single(query["url"]).Length);
        Assert.Equal(3, _logs.Lines.Count);
    }

    [Fact]
    public async Task An_empty_message_says_no_details()
    {
        Answer(200);
        await Notifier(Load(Plain) with { Message = " \n " }).SendAsync(Request(), CancellationToken.None);
        Assert.Equal("(no details)", Assert.Single(_server.Requests()[0].RequestMessage.Query!["message"]));
    }

    [Theory]
    [InlineData(500, "Retryable")]
    [InlineData(429, "Permanent")]
    [InlineData(400, "Permanent")]
    public async Task Only_5xx_is_retried_and_the_keys_stay_out_of_errors(int status, string outcome)
    {
        Answer(status);
        var result = await Notifier(Load(Plain)).SendAsync(Request(), CancellationToken.None);
        Assert.Equal(Enum.Parse<SendOutcome>(outcome), result.Outcome);
        Assert.Equal($"unexpected status code {status}: {{\"status\":0}}", result.Error);

        using var closed = new ClosedPort();
        var refused = await new PushoverNotifier(Load(Plain), _clients, GoTemplateSet.Default, _logs.CreateLogger("test"), new FakeTimeProvider())
        {
            ApiUrl = $"http://127.0.0.1:{closed.Port}/1/messages.json",
        }.SendAsync(Request(), CancellationToken.None);
        Assert.Equal(SendOutcome.Retryable, refused.Outcome);
        Assert.DoesNotContain("po-token", refused.Error);
        Assert.DoesNotContain("po-user", refused.Error);
    }

    [Fact]
    public async Task Keys_come_from_their_files()
    {
        Answer(200);
        var token = Path.Combine(_dir.Path, "token");
        var user = Path.Combine(_dir.Path, "user");
        await File.WriteAllTextAsync(token, "file-token\n");
        await File.WriteAllTextAsync(user, "file-user\n");
        var config = Load($"user_key_file: {user}\ntoken_file: {token}\ntitle: T\nmessage: M\nurl: u\npriority: '0'");
        await Notifier(config).SendAsync(Request(), CancellationToken.None);
        var query = _server.Requests()[0].RequestMessage.Query!;
        Assert.Equal(("file-token", "file-user"), (Assert.Single(query["token"]), Assert.Single(query["user"])));
        File.Delete(user);
        var result = await Notifier(config).SendAsync(Request(), CancellationToken.None);
        Assert.Equal(SendOutcome.Permanent, result.Outcome);
        Assert.StartsWith("read user_key_file: ", result.Error);
    }
}
