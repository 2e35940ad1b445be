using System.Diagnostics;
using System.Globalization;
using System.Text;
using Alerting.Channels.Http;
using Alerting.Channels.Webhook;
using Alerting.Core.Configuration;
using Alerting.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;
using WireMock.Util;

namespace Alerting.Channels.Webhook;

public sealed class WebhookNotifierTests : IDisposable
{
    private const string Body = """{"receiver":"team-a","status":"firing","alerts":[{"labels":{"alertname":"Überlast ✓"}}],"version":"4"}""";

    private static readonly NotificationRequest Message = new("team-a", "{}:{alertname=\"X\"}", Body, 1);

    // Longer than every timeout below, short enough that stopping the server does not wait long for it.
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(2);

    private readonly WireMockServer server = LoopbackWireMock.Start();
    private readonly HttpClientProvider clients = new();
    private readonly TempDirectory dir = new("alerting-webhook-");

    public void Dispose()
    {
        server.Dispose();
        clients.Dispose();
        dir.Dispose();
    }

    [Theory]
    [InlineData(200, "Success")]
    [InlineData(201, "Success")]
    [InlineData(204, "Success")]
    [InlineData(400, "Permanent")]
    [InlineData(401, "Permanent")]
    [InlineData(403, "Permanent")]
    [InlineData(404, "Permanent")]
    [InlineData(422, "Permanent")]
    [InlineData(500, "Retryable")]
    [InlineData(502, "Retryable")]
    [InlineData(503, "Retryable")]
    public async Task Status_codes_are_classified_as_in_Alertmanager(int status, string outcome)
    {
        var response = Response.Create().WithStatusCode(status);
        Respond(status >= 300 ? response.WithBody($"reason {status}") : response);

        var result = await Notifier(server.At("hook")).SendAsync(Message, CancellationToken.None);

        Assert.Equal(Enum.Parse<SendOutcome>(outcome), result.Outcome);
        Assert.Equal(status, result.StatusCode);
        Assert.Null(result.RetryAfter);
        Assert.Equal(status >= 300 ? $"unexpected status code {status}: reason {status}" : null, result.Error);
    }

    [Fact]
    public async Task Too_many_requests_is_retryable_after_the_receivers_delay()
    {
        Respond(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "7").WithBody("slow down"));

        var result = await Notifier(server.At("hook")).SendAsync(Message, CancellationToken.None);

        Assert.Equal(SendOutcome.Retryable, result.Outcome);
        Assert.Equal(429, result.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), result.RetryAfter);
        Assert.Equal("unexpected status code 429: slow down", result.Error);
    }

    [Fact]
    public async Task Retry_after_as_an_http_date_counts_from_the_injected_clock()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));
        Respond(Response.Create().WithStatusCode(503).WithHeader("Retry-After", "Sat, 01 Mar 2025 12:01:30 GMT"));

        var result = await Notifier(server.At("hook"), time: time).SendAsync(Message, CancellationToken.None);

        Assert.Equal(SendOutcome.Retryable, result.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(90), result.RetryAfter);
        Assert.Equal("unexpected status code 503", result.Error);
    }

    [Fact]
    public async Task The_error_keeps_at_most_1_KiB_of_the_response_body()
    {
        Respond(Response.Create().WithStatusCode(500).WithBody("<" + new string('x', 5000) + ">"));

        var result = await Notifier(server.At("hook")).SendAsync(Message, CancellationToken.None);

        Assert.Equal("unexpected status code 500: <" + new string('x', HttpDelivery.MaxErrorBodyBytes - 1), result.Error);
    }

    [Fact]
    public async Task Body_and_headers_arrive_exactly()
    {
        Respond(Response.Create().WithStatusCode(200));

        var result = await Notifier(server.At("alerts/hook?team=a")).SendAsync(Message, CancellationToken.None);

        Assert.Equal(SendOutcome.Success, result.Outcome);
        var got = Assert.Single(server.LogEntries);
        Assert.Equal("POST", got.RequestMessage.Method);
        Assert.Equal("/alerts/hook", got.RequestMessage.Path);
        Assert.Equal("a", got.RequestMessage.GetParameter("team")?.Single());
        Assert.Equal(Body, got.RequestMessage.Body);
        Assert.Equal("application/json", got.Header("Content-Type"));
        Assert.Equal("Alertmanager/0.25.0", got.Header("User-Agent"));
        Assert.Equal(Encoding.UTF8.GetByteCount(Body).ToString(CultureInfo.InvariantCulture), got.Header("Content-Length"));
        Assert.Null(got.Header("Authorization"));
        Assert.Null(got.Header("Idempotency-Key"));
    }

    [Fact]
    public async Task The_idempotency_key_goes_in_its_header()
    {
        Respond(Response.Create().WithStatusCode(200));

        await Notifier(server.At("hook")).SendAsync(Message with { IdempotencyKey = "0123456789abcdef0123456789abcdef" }, CancellationToken.None);

        Assert.Equal("0123456789abcdef0123456789abcdef", Assert.Single(server.LogEntries).Header("Idempotency-Key"));
    }

    [Fact]
    public async Task A_refused_connection_is_retryable()
    {
        using var closed = new ClosedPort();
        var url = new Uri($"http://127.0.0.1:{closed.Port}/hook");

        var result = await Notifier(url).SendAsync(Message, CancellationToken.None);

        Assert.Equal(SendOutcome.Retryable, result.Outcome);
        Assert.Null(result.StatusCode);
        Assert.StartsWith($"POST {url}: ", result.Error);
        Assert.Contains("refused", result.Error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_hung_receiver_times_out_as_retryable()
    {
        Respond(Response.Create().WithStatusCode(200).WithDelay(Hang));
        var timeout = TimeSpan.FromMilliseconds(500);
        var clock = Stopwatch.StartNew();

        var result = await Notifier(server.At("hook"), timeout: timeout).SendAsync(Message, CancellationToken.None);

        Assert.Equal(SendOutcome.Retryable, result.Outcome);
        Assert.Equal($"POST {server.At("hook")}: timeout after 0.5s", result.Error);
        // The timeout's timer ticks on a millisecond clock and may fire a fraction of a millisecond before a
        // Stopwatch says 500 ms (CI saw 499.7 ms twice): allow that much, not a cut-off that is really early.
        var early = TimeSpan.FromMilliseconds(5);
        Assert.InRange(clock.Elapsed, timeout - early, timeout + TimeSpan.FromSeconds(1));
        Assert.InRange(result.Latency, timeout - early, timeout + TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Without_a_timeout_an_attempt_gets_10_seconds_of_the_injected_clock()
    {
        var time = new FakeTimeProvider();
        Respond(Response.Create().WithStatusCode(200).WithDelay(Hang));

        var send = Notifier(server.At("hook"), time: time).SendAsync(Message, CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(9));
        Assert.False(send.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        var result = await send.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(SendOutcome.Retryable, result.Outcome);
        Assert.EndsWith("timeout after 10s", result.Error);
        Assert.Equal(TimeSpan.FromSeconds(10), result.Latency);
    }

    [Fact]
    public async Task Cancelling_the_caller_throws_instead_of_reporting_a_failure()
    {
        Respond(Response.Create().WithStatusCode(200).WithDelay(Hang));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Notifier(server.At("hook")).SendAsync(Message, cts.Token));
    }

    [Fact]
    public async Task Url_file_is_read_at_send_time()
    {
        Respond(Response.Create().WithStatusCode(200));
        var urlFile = Path.Combine(dir.Path, "url");
        await File.WriteAllTextAsync(urlFile, server.At("first?token=a1") + "\n");
        var notifier = new WebhookNotifier(new WebhookConfig { UrlFile = urlFile }, clients, TimeProvider.System);

        Assert.Equal(SendOutcome.Success, (await notifier.SendAsync(Message, CancellationToken.None)).Outcome);
        await File.WriteAllTextAsync(urlFile, "  " + server.At("second?token=b2") + "  \n");
        Assert.Equal(SendOutcome.Success, (await notifier.SendAsync(Message, CancellationToken.None)).Outcome);

        Assert.Equal(
            ["/first a1", "/second b2"],
            server.Requests().Select(e => $"{e.RequestMessage.Path} {e.RequestMessage.GetParameter("token")?.Single()}"));
    }

    [Fact]
    public async Task A_missing_or_invalid_url_file_is_permanent_and_does_not_echo_its_content()
    {
        var urlFile = Path.Combine(dir.Path, "url");
        var notifier = new WebhookNotifier(new WebhookConfig { UrlFile = urlFile }, clients, TimeProvider.System);

        var missing = await notifier.SendAsync(Message, CancellationToken.None);
        Assert.Equal(SendOutcome.Permanent, missing.Outcome);
        Assert.StartsWith("read url_file: ", missing.Error);

        await File.WriteAllTextAsync(urlFile, "not a url s3cr3t");
        var invalid = await notifier.SendAsync(Message, CancellationToken.None);
        Assert.Equal(SendOutcome.Permanent, invalid.Outcome);
        Assert.DoesNotContain("s3cr3t", invalid.Error);

        await File.WriteAllTextAsync(urlFile, $"ftp://127.0.0.1:{server.Port}/hook");
        Assert.Equal(SendOutcome.Permanent, (await notifier.SendAsync(Message, CancellationToken.None)).Outcome);
        Assert.Empty(server.LogEntries);
    }

    [Fact]
    public async Task An_invalid_url_is_permanent()
    {
        var notifier = new WebhookNotifier(new WebhookConfig { Url = "127.0.0.1/hook?token=s3cr3t" }, clients, TimeProvider.System);

        var result = await notifier.SendAsync(Message, CancellationToken.None);

        Assert.Equal(SendOutcome.Permanent, result.Outcome);
        Assert.DoesNotContain("s3cr3t", result.Error);
    }

    [Fact]
    public async Task Basic_auth_arrives_with_the_password_file_read_at_send_time()
    {
        Respond(Response.Create().WithStatusCode(200));
        var passwordFile = Path.Combine(dir.Path, "password");
        await File.WriteAllTextAsync(passwordFile, "first-pass\n");
        var notifier = Notifier(server.At("hook"), new HttpClientConfig { BasicAuth = new BasicAuth("alice", null, passwordFile) });

        await notifier.SendAsync(Message, CancellationToken.None);
        await File.WriteAllTextAsync(passwordFile, "second-pass");
        await notifier.SendAsync(Message, CancellationToken.None);

        Assert.Equal([Basic("alice:first-pass"), Basic("alice:second-pass")], server.Requests().Select(e => e.Header("Authorization")));
    }

    [Theory]
    [InlineData("basic")]
    [InlineData("bearer_token")]
    [InlineData("bearer_token_file")]
    [InlineData("authorization")]
    [InlineData("authorization_file")]
    [InlineData("url_userinfo")]
    public async Task Credentials_arrive_as_an_authorization_header(string kind)
    {
        Respond(Response.Create().WithStatusCode(200));
        var secretFile = Path.Combine(dir.Path, "secret");
        await File.WriteAllTextAsync(secretFile, " from-file \n");
        var url = server.At("hook");
        var (http, expected) = kind switch
        {
            "basic" => (new HttpClientConfig { BasicAuth = new BasicAuth("bob", "pa:ss", null) }, Basic("bob:pa:ss")),
            "bearer_token" => (new HttpClientConfig { BearerToken = "tok-1" }, "Bearer tok-1"),
            "bearer_token_file" => (new HttpClientConfig { BearerTokenFile = secretFile }, "Bearer from-file"),
            "authorization" => (new HttpClientConfig { Authorization = new Authorization("Token", "abc", null) }, "Token abc"),
            "authorization_file" => (new HttpClientConfig { Authorization = new Authorization("Bearer", null, secretFile) }, "Bearer from-file"),
            _ => (HttpClientConfig.Default, Basic("carol:p@ss")),
        };
        if (kind == "url_userinfo")
        {
            // Go's client turns URL userinfo into basic auth; receivers configured that way keep working.
            url = new UriBuilder(url) { UserName = "carol", Password = "p%40ss" }.Uri;
        }

        var result = await Notifier(url, http).SendAsync(Message, CancellationToken.None);

        Assert.Equal(SendOutcome.Success, result.Outcome);
        Assert.Equal(expected, Assert.Single(server.LogEntries).Header("Authorization"));
    }

    [Fact]
    public async Task An_unreadable_credentials_file_is_retryable()
    {
        var notifier = Notifier(server.At("hook"), new HttpClientConfig { BearerTokenFile = Path.Combine(dir.Path, "missing") });

        var result = await notifier.SendAsync(Message, CancellationToken.None);

        Assert.Equal(SendOutcome.Retryable, result.Outcome);
        Assert.Contains("unable to read bearer_token_file", result.Error);
        Assert.Empty(server.LogEntries);
    }

    [Fact]
    public async Task Oauth2_client_credentials_are_fetched_and_sent_as_the_bearer()
    {
        server.Given(Request.Create().WithPath("/token").UsingPost())
            .RespondWith(Response.Create().WithBody("""{"access_token":"tok-9","token_type":"bearer","expires_in":3600}"""));
        Respond(Response.Create().WithStatusCode(200));
        var oauth2 = new OAuth2Config { ClientId = "id", ClientSecret = "s3cr3t", TokenUrl = server.At("token").AbsoluteUri };
        var notifier = Notifier(server.At("hook"), new HttpClientConfig { OAuth2 = oauth2 });

        var result = await notifier.SendAsync(Message, CancellationToken.None);

        Assert.Equal(SendOutcome.Success, result.Outcome);
        Assert.Equal("Bearer tok-9", server.LogEntries.Single(e => e.RequestMessage.Path == "/hook").Header("Authorization"));
    }

    [Fact]
    public async Task Errors_never_carry_the_urls_query_token_or_userinfo()
    {
        // The receiver echoes what it was sent, as some error pages do.
        server.Given(Request.Create().WithPath("/hook")).RespondWith(Response.Create().WithCallback(req => new ResponseMessage
        {
            StatusCode = 400,
            BodyData = new BodyData { DetectedBodyType = BodyType.String, BodyAsString = $"bad request to {req.Url} (token {req.GetParameter("token")?.Single()})" },
        }));
        var secretUrl = new UriBuilder(server.At("hook?token=s3cr3t&x=1")) { UserName = "admin", Password = "hunter22" }.Uri;
        using var closedPort = new ClosedPort();
        var closed = new Uri($"http://admin:hunter22@127.0.0.1:{closedPort.Port}/hook?token=s3cr3t");

        var echoed = await Notifier(secretUrl).SendAsync(Message, CancellationToken.None);
        var refused = await Notifier(closed).SendAsync(Message, CancellationToken.None);
        server.Reset();
        Respond(Response.Create().WithStatusCode(200).WithDelay(Hang));
        var timedOut = await Notifier(secretUrl, timeout: TimeSpan.FromMilliseconds(200)).SendAsync(Message, CancellationToken.None);

        Assert.Equal(SendOutcome.Permanent, echoed.Outcome);
        Assert.StartsWith("unexpected status code 400: bad request to http://127.0.0.1", echoed.Error);
        Assert.Equal(SendOutcome.Retryable, refused.Outcome);
        Assert.Equal(SendOutcome.Retryable, timedOut.Outcome);
        foreach (var error in new[] { echoed.Error, refused.Error, timedOut.Error })
        {
            Assert.NotNull(error);
            Assert.DoesNotContain("s3cr3t", error);
            Assert.DoesNotContain("hunter22", error);
            Assert.DoesNotContain("admin", error);
        }
        Assert.Contains("/hook", refused.Error);
        Assert.Equal($"POST http://127.0.0.1:{server.Port}/hook: timeout after 0.2s", timedOut.Error);
    }

    [Fact]
    public void Integration_and_send_resolved_come_from_the_config()
    {
        var notifier = new WebhookNotifier(new WebhookConfig { Url = "http://127.0.0.1/", SendResolved = false }, clients, TimeProvider.System);

        Assert.Equal("webhook", notifier.Integration);
        Assert.False(notifier.SendResolved);
        Assert.Equal(WebhookNotifier.DefaultTimeout, notifier.Timeout);
    }

    private void Respond(IResponseBuilder response) => server.Given(Request.Create().UsingAnyMethod()).RespondWith(response);

    private WebhookNotifier Notifier(Uri url, HttpClientConfig? http = null, TimeSpan? timeout = null, TimeProvider? time = null) =>
        new(new WebhookConfig { Url = url.AbsoluteUri, HttpConfig = http ?? HttpClientConfig.Default, Timeout = timeout }, clients, time ?? TimeProvider.System);

    private static string Basic(string userAndPassword) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(userAndPassword));
}
