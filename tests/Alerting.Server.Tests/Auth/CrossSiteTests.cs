using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Alerting.Infrastructure;

namespace Alerting.Auth;

/// <summary>
/// With authentication off (the default), a page on another site must not be able to change anything: the JSON
/// endpoints take only JSON (a form cannot send it), and browsers' cross-site requests are refused on every
/// state-changing endpoint but the signed action links. Tools (amtool, Prometheus, Grafana, curl) send JSON and no
/// Sec-Fetch-Site, and keep working.
/// </summary>
public sealed class CrossSiteTests
{
    private static string SilenceJson() => $$"""
        {"matchers":[{"name":"alertname","value":"X","isRegex":false}],"startsAt":"{{DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture)}}",
         "endsAt":"{{DateTimeOffset.UtcNow.AddHours(1).ToString("O", CultureInfo.InvariantCulture)}}","createdBy":"x","comment":"c"}
        """;

    private static HttpContent Body(string body, string? contentType)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        if (contentType is not null)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        return content;
    }

    private static Task<HttpResponseMessage> SendAsync(AlertingTestHost host, HttpMethod method, string path, HttpContent? content, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        return host.Client.SendAsync(request);
    }

    [Theory]
    [InlineData("api/v2/silences")]
    [InlineData("api/v1/silences")]
    [InlineData("api/v2/alerts")]
    [InlineData("api/v1/alerts")]
    [InlineData("api/grafana/alerts")]
    [InlineData("api/v2/templates/render")]
    public async Task Json_endpoints_refuse_bodies_a_form_can_send(string path)
    {
        await using var host = await AlertingTestHost.StartAsync();
        var body = path.Contains("silences", StringComparison.Ordinal) ? SilenceJson() : """[{"labels":{"alertname":"X"}}]""";
        foreach (var type in new[] { "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", null })
        {
            var answer = await SendAsync(host, HttpMethod.Post, path, Body(body, type));
            Assert.True(answer.StatusCode == HttpStatusCode.UnsupportedMediaType, $"{type ?? "no type"}: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()}");
        }
        Assert.Equal(0, await host.CountAsync("silences"));
        Assert.Equal(0, await host.CountAsync("alerts"));
    }

    [Fact]
    public async Task Tools_keep_working_and_browsers_cross_site_requests_are_refused()
    {
        await using var host = await AlertingTestHost.StartAsync();
        // amtool and Prometheus: application/json, no browser headers. charset and +json variants too.
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(host, HttpMethod.Post, "api/v2/silences", Body(SilenceJson(), "application/json"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(host, HttpMethod.Post, "api/v2/alerts", Body("""[{"labels":{"alertname":"X"}}]""", "application/json; charset=utf-8"))).StatusCode);
        // The UI's own pages and a user's own navigation.
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(host, HttpMethod.Post, "api/v2/silences", Body(SilenceJson(), "application/json"), ("Sec-Fetch-Site", "same-origin"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(host, HttpMethod.Post, "api/v2/silences", Body(SilenceJson(), "application/json"), ("Origin", host.BaseAddress.GetLeftPart(UriPartial.Authority)))).StatusCode);
        Assert.Equal(3, await host.CountAsync("silences"));

        // A script on another site (fetch with a JSON body, which API v1's CORS headers would let through).
        (string, string)[][] foreign =
        [
            [("Sec-Fetch-Site", "cross-site")],
            [("Sec-Fetch-Site", "same-site")],
            [("Origin", "https://evil.example")],
            [("Origin", "null")],
            [("Sec-Fetch-Site", "cross-site"), ("Origin", "https://evil.example")],
        ];
        foreach (var headers in foreign)
        {
            var what = string.Join(", ", headers.Select(h => $"{h.Item1}: {h.Item2}"));
            foreach (var path in new[] { "api/v2/silences", "api/v1/silences" })
            {
                var answer = await SendAsync(host, HttpMethod.Post, path, Body(SilenceJson(), "application/json"), headers);
                Assert.True(answer.StatusCode == HttpStatusCode.Forbidden, $"{path} with {what}: {(int)answer.StatusCode}");
            }
            Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(host, HttpMethod.Post, "api/v2/alerts", Body("""[{"labels":{"alertname":"Y"}}]""", "application/json"), headers)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(host, HttpMethod.Delete, $"api/v2/silence/{Guid.NewGuid()}", null, headers)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(host, HttpMethod.Post, "-/reload", null, headers)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(host, HttpMethod.Post, "-/reload", Body("", "application/x-www-form-urlencoded"), headers)).StatusCode);
        }
        Assert.Equal(3, await host.CountAsync("silences"));
        Assert.DoesNotContain("\"Y\"", await host.Client.GetStringAsync("api/v2/alerts"), StringComparison.Ordinal);

        // Reading stays open to other sites (API v1's CORS), and /-/reload keeps taking tools' empty POST.
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(host, HttpMethod.Get, "api/v1/alerts", null, ("Sec-Fetch-Site", "cross-site"), ("Origin", "https://evil.example"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.PostAsync("-/reload", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(host, HttpMethod.Post, "-/reload", Body("", "application/x-www-form-urlencoded"))).StatusCode);
    }
}
