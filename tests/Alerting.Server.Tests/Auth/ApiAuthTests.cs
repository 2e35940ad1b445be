using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Alerting.Core.Configuration;
using Alerting.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Alerting.Auth;

public sealed class ApiAuthTests
{
    private const string Config = AlertingTestHost.AuthConfig;

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

    private const string ThreeRoles = AlertingTestHost.DefaultConfig + """

        server:
          auth:
            read:
              bearer_tokens: [reader-token]
            write:
              basic:
                - {username: operator, password: op-pass}
            send:
              bearer_tokens: [prometheus-token]
        """;

    [Fact]
    public async Task A_send_credential_posts_alerts_and_nothing_else()
    {
        await using var host = await AlertingTestHost.StartAsync(ThreeRoles);
        var sender = new AuthenticationHeaderValue("Bearer", "prometheus-token");
        var reader = new AuthenticationHeaderValue("Bearer", "reader-token");
        var op = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("operator:op-pass")));
        const string Alert = """[{"labels":{"alertname":"Sent"}}]""";
        const string Grafana = """{"alerts":[{"status":"firing","labels":{"alertname":"FromGrafana"}}]}""";
        var silence = $$"""{"matchers":[{"name":"a","value":"b","isRegex":false}],"startsAt":"{{DateTimeOffset.UtcNow:O}}","endsAt":"{{DateTimeOffset.UtcNow.AddHours(1):O}}","createdBy":"x","comment":"y"}""";

        Assert.Equal(HttpStatusCode.OK, (await Send(host, HttpMethod.Post, "api/v2/alerts", sender, Alert)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Send(host, HttpMethod.Post, "api/v1/alerts", sender, Alert)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Send(host, HttpMethod.Post, "api/grafana/alerts", sender, Grafana)).StatusCode);
        // An operator sends too; a reader and an anonymous caller do not, on any of the three.
        Assert.Equal(HttpStatusCode.OK, (await Send(host, HttpMethod.Post, "api/v2/alerts", op, Alert)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Send(host, HttpMethod.Post, "api/grafana/alerts", op, Grafana)).StatusCode);
        foreach (var path in new[] { "api/v2/alerts", "api/v1/alerts" })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await Send(host, HttpMethod.Post, path, reader, Alert)).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await host.PostJsonAsync(path, Alert)).StatusCode);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(host, HttpMethod.Post, "api/grafana/alerts", reader, Grafana)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.PostJsonAsync("api/grafana/alerts", Grafana)).StatusCode);

        // The sender can neither read nor silence nor reload.
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(host, HttpMethod.Get, "api/v2/alerts", sender)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(host, HttpMethod.Get, "api/v2/status", sender)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(host, HttpMethod.Post, "api/v2/silences", sender, silence)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(host, HttpMethod.Delete, $"api/v2/silence/{Guid.NewGuid()}", sender)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(host, HttpMethod.Post, "-/reload", sender)).StatusCode);
        Assert.Equal(0, await host.CountAsync("silences"));
        Assert.Equal(HttpStatusCode.OK, (await Send(host, HttpMethod.Post, "api/v2/silences", op, silence)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Send(host, HttpMethod.Get, "api/v2/alerts", reader)).StatusCode);
        Assert.Equal(2, await host.CountAsync("alerts"));
    }

    public static TheoryData<string, string, bool, bool, bool> Roles() => new()
    {
        // config, credential, may read, may write, may send
        { "none", "none", true, true, true },
        { "write", "none", true, false, false },
        { "write", "operator", true, true, true },
        { "read+write", "none", false, false, false },
        { "read+write", "reader", true, false, false },
        { "read+write", "operator", true, true, true },
        { "read+write+send", "sender", false, false, true },
        { "read+write+send", "reader", true, false, false },
        { "read+write+send", "operator", true, true, true },
        { "read+write+send", "none", false, false, false },
        { "send", "none", true, true, false },
        { "send", "sender", true, true, true },
        { "read+write+send", "wrong", false, false, false },
    };

    [Theory]
    [MemberData(nameof(Roles))]
    public void Allowed_gives_each_role_its_access(string roles, string credential, bool read, bool write, bool send)
    {
        var auth = new AuthConfig(
            roles.Contains("read") ? new AccessConfig(["reader-token"], []) : AccessConfig.Open,
            roles.Contains("write") ? new AccessConfig([], [new BasicCredential("operator", "op-pass")]) : AccessConfig.Open)
        {
            Send = roles.Contains("send") ? new AccessConfig(["sender-token"], []) : AccessConfig.Open,
        };
        var request = new DefaultHttpContext().Request;
        request.Headers.Authorization = credential switch
        {
            "reader" => "Bearer reader-token",
            "sender" => "Bearer sender-token",
            "operator" => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("operator:op-pass")),
            "wrong" => "Bearer operator",
            _ => "",
        };
        Assert.Equal(read, ApiAuth.Allowed(request, auth, Permission.Read));
        Assert.Equal(write, ApiAuth.Allowed(request, auth, Permission.Write));
        Assert.Equal(send, ApiAuth.Allowed(request, auth, Permission.Send));
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
