using System.Text;
using Alerting.Core.Configuration;
using Microsoft.Extensions.Time.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Alerting.Channels.Http;

/// <summary>http_config.oauth2: client credentials fetched from token_url, reused until near expiry, sent as the bearer.</summary>
public sealed class OAuth2TokensTests : IDisposable
{
    private readonly WireMockServer _server = LoopbackWireMock.Start();
    private readonly HttpClientProvider _clients = new();

    public void Dispose()
    {
        _server.Dispose();
        _clients.Dispose();
    }

    private HttpClientConfig Config(string? secretFile = null) => new()
    {
        OAuth2 = new OAuth2Config
        {
            ClientId = "alerting id",
            ClientSecret = secretFile is null ? "s3cret:x" : null,
            ClientSecretFile = secretFile,
            Scopes = ["notify", "read"],
            TokenUrl = _server.Url + "/oauth/token",
            EndpointParams = new Dictionary<string, string> { ["audience"] = "receivers" },
        },
    };

    private void TokenAnswers(int expiresIn, string token = "tok-1") =>
        _server.Given(Request.Create().WithPath("/oauth/token").UsingPost())
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json")
                .WithBody($$"""{"access_token":"{{token}}","token_type":"bearer","expires_in":{{expiresIn}}}"""));

    private async Task<SendResult> SendAsync(HttpClientConfig config)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _server.Url + "/target") { Content = new StringContent("{}") };
        return await HttpDelivery.SendAsync(_clients.Get(config), request, TimeSpan.FromSeconds(5), TimeProvider.System, CancellationToken.None);
    }

    private List<WireMock.Logging.ILogEntry> Requests(string path) => [.. _server.LogEntries.Where(e => e.RequestMessage.Path == path)];

    [Fact]
    public async Task The_token_is_fetched_once_and_sent_as_the_bearer()
    {
        TokenAnswers(expiresIn: 3600);
        _server.Given(Request.Create().WithPath("/target")).RespondWith(Response.Create().WithStatusCode(200));
        var config = Config();

        Assert.Equal(SendOutcome.Success, (await SendAsync(config)).Outcome);
        Assert.Equal(SendOutcome.Success, (await SendAsync(config)).Outcome);

        Assert.All(Requests("/target"), e => Assert.Equal("Bearer tok-1", e.Header("Authorization")));
        var fetch = Assert.Single(Requests("/oauth/token"));
        Assert.Equal("grant_type=client_credentials&scope=notify+read&audience=receivers", fetch.RequestMessage.Body);
        Assert.Equal("application/x-www-form-urlencoded", fetch.Header("Content-Type"));
        // Id and secret are form-escaped before they are joined, as x/oauth2 does.
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("alerting+id:s3cret%3Ax")), fetch.Header("Authorization"));
    }

    [Fact]
    public async Task A_token_within_ten_seconds_of_expiry_is_fetched_again_with_the_rotated_secret()
    {
        TokenAnswers(expiresIn: 5);
        _server.Given(Request.Create().WithPath("/target")).RespondWith(Response.Create().WithStatusCode(200));
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, "first\n");
        var config = Config(file);

        await SendAsync(config);
        await File.WriteAllTextAsync(file, "second\n");
        await SendAsync(config);

        Assert.Equal(
            [Convert.ToBase64String(Encoding.UTF8.GetBytes("alerting+id:first")), Convert.ToBase64String(Encoding.UTF8.GetBytes("alerting+id:second"))],
            Requests("/oauth/token").Select(e => e.Header("Authorization")![6..]));
    }

    [Fact]
    public async Task A_refused_token_request_is_a_retryable_failure_and_nothing_reaches_the_receiver()
    {
        _server.Given(Request.Create().WithPath("/oauth/token").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(401).WithBody("""{"error":"invalid_client"}"""));

        var result = await SendAsync(Config());

        Assert.Equal(SendOutcome.Retryable, result.Outcome);
        Assert.Contains("oauth2: cannot fetch token: 401", result.Error, StringComparison.Ordinal);
        Assert.Empty(Requests("/target"));
    }

    [Fact]
    public async Task Expiry_is_read_on_the_clock_it_is_given()
    {
        TokenAnswers(expiresIn: 60);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var tokens = new OAuth2Tokens(Config().OAuth2!, time);

        Assert.Equal("Bearer tok-1", await tokens.HeaderAsync(CancellationToken.None));
        time.Advance(TimeSpan.FromSeconds(49));
        await tokens.HeaderAsync(CancellationToken.None);
        Assert.Single(Requests("/oauth/token"));
        time.Advance(TimeSpan.FromSeconds(2)); // 9 s left: inside x/oauth2's 10 s margin
        await tokens.HeaderAsync(CancellationToken.None);
        Assert.Equal(2, Requests("/oauth/token").Count);
    }
}
