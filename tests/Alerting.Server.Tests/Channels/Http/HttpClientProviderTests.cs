using Alerting.Channels.Http;
using Alerting.Channels.Webhook;
using Alerting.Core.Configuration;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Alerting.Channels.Http;

public sealed class HttpClientProviderTests : IDisposable
{
    private const string Token = "Bearer tok-1";

    private static readonly NotificationRequest Message = new("team-a", "{}:{}", """{"status":"firing"}""", 1);

    private static readonly HttpClientConfig WithToken = new() { BearerToken = "tok-1" };

    private readonly WireMockServer server = LoopbackWireMock.Start();
    private readonly HttpClientProvider clients = new();

    public void Dispose()
    {
        server.Dispose();
        clients.Dispose();
    }

    [Fact]
    public void Equal_configs_share_one_client()
    {
        var a = clients.Get(new HttpClientConfig { BasicAuth = new BasicAuth("u", "p", null), FollowRedirects = false });
        var b = clients.Get(new HttpClientConfig { BasicAuth = new BasicAuth("u", "p", null), FollowRedirects = false });

        Assert.Same(a, b);
        Assert.NotSame(a, clients.Get(HttpClientConfig.Default));
        Assert.Equal(Timeout.InfiniteTimeSpan, a.Timeout);
    }

    [Fact]
    public async Task A_307_redirect_resends_the_body_and_the_credentials()
    {
        Redirect("/old", 307, "/new");
        Ok("/new");

        var result = await Send(server.At("old"), WithToken);

        Assert.Equal(SendOutcome.Success, result.Outcome);
        Assert.Equal(
            [("POST", "/old", Message.Body, Token), ("POST", "/new", Message.Body, Token)],
            server.Requests().Select(e => (e.RequestMessage.Method, e.RequestMessage.Path, e.RequestMessage.Body, e.Header("Authorization"))));
    }

    [Fact]
    public async Task A_302_turns_the_post_into_a_get_as_in_Go()
    {
        Redirect("/old", 302, "/new");
        Ok("/new");

        var result = await Send(server.At("old"), WithToken);

        Assert.Equal(SendOutcome.Success, result.Outcome);
        var second = server.Requests()[1];
        Assert.Equal(("GET", "/new", null, Token), (second.RequestMessage.Method, second.RequestMessage.Path, second.RequestMessage.Body, second.Header("Authorization")));
        Assert.Equal("Alertmanager/0.25.0", second.Header("User-Agent"));
    }

    [Fact]
    public async Task Credentials_are_withheld_when_a_redirect_leaves_the_host()
    {
        // Same server under another host name: localhost instead of 127.0.0.1.
        Redirect("/old", 307, new UriBuilder(server.At("new")) { Host = "localhost" }.Uri.AbsoluteUri);
        Ok("/new");

        var result = await Send(server.At("old"), new HttpClientConfig { BasicAuth = new BasicAuth("u", "p", null) });

        Assert.Equal(SendOutcome.Success, result.Outcome);
        var requests = server.Requests();
        Assert.Equal(["/old", "/new"], requests.Select(e => e.RequestMessage.Path));
        Assert.NotNull(requests[0].Header("Authorization"));
        Assert.Null(requests[1].Header("Authorization"));
        Assert.Equal(Message.Body, requests[1].RequestMessage.Body);
    }

    [Fact]
    public async Task A_redirect_that_is_not_followed_is_permanent()
    {
        Redirect("/old", 302, "/new");
        Ok("/new");

        var result = await Send(server.At("old"), new HttpClientConfig { FollowRedirects = false });

        Assert.Equal(SendOutcome.Permanent, result.Outcome);
        Assert.Equal(302, result.StatusCode);
        Assert.Equal("/old", Assert.Single(server.LogEntries).RequestMessage.Path);
    }

    [Fact]
    public async Task A_redirect_loop_stops_after_10_redirects_as_permanent()
    {
        Redirect("/loop", 307, "/loop?token=s3cr3t");

        var result = await Send(server.At("loop?token=s3cr3t"), HttpClientConfig.Default);

        Assert.Equal(SendOutcome.Permanent, result.Outcome);
        Assert.Equal($"POST {server.At("loop")}: stopped after 10 redirects", result.Error);
        Assert.Equal(11, server.LogEntries.Count());
    }

    [Fact]
    public async Task Proxy_url_carries_the_request()
    {
        Ok("/hook");

        var result = await Send(new Uri("http://alerting.invalid/hook?x=1"), new HttpClientConfig { ProxyUrl = server.Url });

        Assert.Equal(SendOutcome.Success, result.Outcome);
        var got = Assert.Single(server.LogEntries);
        Assert.Equal(("/hook", "alerting.invalid"), (got.RequestMessage.Path, got.Header("Host")));
    }

    [Theory]
    [InlineData("foo")]
    [InlineData("http://")]
    public async Task A_proxy_url_go_parses_but_cannot_dial_fails_each_send_and_retries(string proxy)
    {
        Ok("/hook");

        // Alertmanager loads proxy_url: foo (url.Parse takes it) and its sends then fail; ours too, never a crash.
        var result = await Send(new Uri(server.Url + "/hook"), new HttpClientConfig { ProxyUrl = proxy });

        Assert.Equal(SendOutcome.Retryable, result.Outcome);
        Assert.Contains($"proxy_url {proxy} is not a proxy that can be reached", result.Error);
        Assert.Empty(server.LogEntries);
    }

    private Task<SendResult> Send(Uri url, HttpClientConfig http) =>
        new WebhookNotifier(new WebhookConfig { Url = url.AbsoluteUri, HttpConfig = http, Timeout = TimeSpan.FromSeconds(5) }, clients, TimeProvider.System)
            .SendAsync(Message, CancellationToken.None);

    private void Redirect(string path, int status, string location) =>
        server.Given(Request.Create().WithPath(path).UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(status).WithHeader("Location", location));

    private void Ok(string path) => server.Given(Request.Create().WithPath(path).UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(200));
}
