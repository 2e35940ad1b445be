using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Alerting.Infrastructure;

namespace Alerting.Api;

public sealed class ApiAuthTests
{
    private const string Config = AlertingTestHost.DefaultConfig + """

        server:
          auth:
            read:
              bearer_tokens: [reader-token]
            write:
              basic:
                - username: operator
                  password: op-pass
        """;

    [Fact]
    public async Task Auth_is_off_by_default()
    {
        await using var host = await AlertingTestHost.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("api/v2/alerts")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.PostJsonAsync("api/v2/alerts", """[{"labels":{"alertname":"X"}}]""")).StatusCode);
    }

    [Fact]
    public async Task Reads_and_writes_need_their_credentials()
    {
        await using var host = await AlertingTestHost.StartAsync(Config);
        var anonymousRead = await host.Client.GetAsync("api/v2/alerts");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousRead.StatusCode);
        Assert.Contains("Basic", anonymousRead.Headers.WwwAuthenticate.ToString());

        Assert.Equal(HttpStatusCode.OK, (await Send(host, HttpMethod.Get, "api/v2/alerts", new("Bearer", "reader-token"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(host, HttpMethod.Get, "api/v2/alerts", new("Bearer", "wrong"))).StatusCode);

        // The reader cannot write; the operator can write and read.
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(host, HttpMethod.Post, "api/v2/alerts", new("Bearer", "reader-token"), "[]")).StatusCode);
        var basic = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("operator:op-pass")));
        Assert.Equal(HttpStatusCode.OK, (await Send(host, HttpMethod.Post, "api/v2/alerts", basic, """[{"labels":{"alertname":"X"}}]""")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Send(host, HttpMethod.Get, "api/v2/alerts", basic)).StatusCode);
        var wrongPassword = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("operator:nope")));
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(host, HttpMethod.Delete, $"api/v2/silence/{Guid.NewGuid()}", wrongPassword)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Client.PostAsync("-/reload", null)).StatusCode);

        // Probes stay open for the orchestrator.
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("-/healthy")).StatusCode);
        Assert.Equal(1, await host.CountAsync("alerts"));
    }

    private static Task<HttpResponseMessage> Send(AlertingTestHost host, HttpMethod method, string path, AuthenticationHeaderValue auth, string? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = auth;
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }
        return host.Client.SendAsync(request);
    }
}
