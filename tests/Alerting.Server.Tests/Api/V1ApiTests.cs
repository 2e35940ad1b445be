using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Alerting.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Alerting.Api;

/// <summary>
/// API v1 as Alertmanager 0.25 serves it. Expected bodies are 0.25's answers to the same requests, with our
/// times, ids and version in place of its own.
/// </summary>
public sealed class V1ApiTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Alerts_are_listed_in_the_v1_envelope_as_go_writes_them()
    {
        await using var host = await AlertingTestHost.StartAsync(time: new FakeTimeProvider(T0));
        await host.PostJsonAsync("api/v2/alerts", """
            [{"labels":{"alertname":"A1"},"annotations":{"s":"<b>&"},"startsAt":"2026-11-26T09:59:00.5Z"},
             {"labels":{"alertname":"Db","team":"db"},"generatorURL":"http://prom/g"}]
            """);
        var response = await host.Client.GetAsync("api/v1/alerts");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.ToString());
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.True(response.Headers.CacheControl is { NoCache: true, NoStore: true, MustRevalidate: true });
        Assert.Equal(
            """{"status":"success","data":[{"labels":{"alertname":"A1"},"annotations":{"s":"\u003cb\u003e\u0026"},"startsAt":"2026-11-26T09:59:00.5Z","endsAt":"2026-11-26T10:05:00Z","generatorURL":"","status":{"state":"active","silencedBy":null,"inhibitedBy":null},"receivers":["default"],"fingerprint":"0617414345272fe2"},"""
            + """{"labels":{"alertname":"Db","team":"db"},"annotations":{},"startsAt":"2026-11-26T10:00:00Z","endsAt":"2026-11-26T10:05:00Z","generatorURL":"http://prom/g","status":{"state":"active","silencedBy":null,"inhibitedBy":null},"receivers":["db"],"fingerprint":"d4671fbdad6a2293"}]}""",
            await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("api/v1/alerts?active=maybe", """{"status":"error","errorType":"bad_data","error":"parameter \"active\" can either be 'true' or 'false', not \"maybe\""}""")]
    [InlineData("api/v1/alerts?unprocessed=1", """{"status":"error","errorType":"bad_data","error":"parameter \"unprocessed\" can either be 'true' or 'false', not \"1\""}""")]
    [InlineData("api/v1/alerts?receiver=(", """{"status":"error","errorType":"bad_data","error":"failed to parse receiver param: ("}""")]
    [InlineData("api/v1/alerts?filter=foo", """{"status":"error","errorType":"bad_data","error":"bad matcher format: foo"}""")]
    [InlineData("api/v1/silences?filter=foo", """{"status":"error","errorType":"bad_data","error":"bad matcher format: foo"}""")]
    public async Task Bad_parameters_are_bad_data(string path, string expected)
    {
        await using var host = await AlertingTestHost.StartAsync();
        var response = await host.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(expected, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task State_filters_and_the_first_filter_select_like_0_25()
    {
        await using var host = await AlertingTestHost.StartAsync();
        await host.PostJsonAsync("api/v1/alerts", """
            [{"labels":{"alertname":"Crit","severity":"critical","cluster":"a"}},{"labels":{"alertname":"Warn","severity":"warning","cluster":"a"}}]
            """);
        async Task<List<string>> Names(string query) =>
            [.. (await host.GetObjectAsync("api/v1/alerts" + query))["data"]!.AsArray().Select(a => (string)a!["labels"]!["alertname"]!)];
        Assert.Equal(["Crit", "Warn"], (await Names("")).Order());
        Assert.Equal(["Crit"], await Names("?inhibited=false"));
        Assert.Equal(["Warn"], await Names("?active=false"));
        // Only the first filter counts; a matcher on an empty value skips alerts without the label.
        Assert.Equal(["Crit"], await Names("?filter=alertname%3DCrit&filter=alertname%3DWarn"));
        Assert.Equal(2, (await Names("?filter=" + Uri.EscapeDataString("{team=\"\"}"))).Count);
        var warn = (await host.GetObjectAsync("api/v1/alerts?active=false"))["data"]![0]!;
        Assert.Equal("suppressed", (string)warn["status"]!["state"]!);
        Assert.Single(warn["status"]!["inhibitedBy"]!.AsArray());
        Assert.Null(warn["status"]!["silencedBy"]);
    }

    [Fact]
    public async Task Status_and_receivers()
    {
        await using var host = await AlertingTestHost.StartAsync();
        Assert.Equal("""{"status":"success","data":["default","db"]}""", await host.Client.GetStringAsync("api/v1/receivers"));
        var data = (await host.GetObjectAsync("api/v1/status"))["data"]!.AsObject();
        Assert.Equal(["configYAML", "configJSON", "versionInfo", "uptime", "clusterStatus"], data.Select(p => p.Key));
        Assert.Contains("http://<secret>/", (string)data["configYAML"]!); // masked as in v2
        Assert.Equal("default", (string)data["configJSON"]!["route"]!["receiver"]!);
        Assert.Equal(["alertname"], data["configJSON"]!["route"]!["group_by"]!.AsArray().Select(n => (string)n!));
        Assert.Equal(["branch", "buildDate", "buildUser", "goVersion", "revision", "version"], data["versionInfo"]!.AsObject().Select(p => p.Key));
        Assert.Equal("0.25.0", (string)data["versionInfo"]!["version"]!);
        Assert.Equal("ready", (string)data["clusterStatus"]!["status"]!);
        Assert.Single(data["clusterStatus"]!["peers"]!.AsArray());
    }

    [Fact]
    public async Task Silences_are_created_read_listed_and_expired()
    {
        await using var host = await AlertingTestHost.StartAsync(time: new FakeTimeProvider(T0));
        var created = await host.PostJsonAsync("api/v1/silences",
            """{"matchers":[{"name":"a","value":"b"},{"name":"c","value":"d.*","isRegex":true,"isEqual":false}],"startsAt":"2026-11-26T10:00:00Z","endsAt":"2026-11-26T11:00:00Z","createdBy":"x","comment":"c"}""");
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var id = (string)JsonNode.Parse(await created.Content.ReadAsStringAsync())!["data"]!["silenceId"]!;
        var expected = $$$"""{"id":"{{{id}}}","matchers":[{"name":"a","value":"b","isRegex":false,"isEqual":true},{"name":"c","value":"d.*","isRegex":true,"isEqual":false}],"startsAt":"2026-11-26T10:00:00Z","endsAt":"2026-11-26T11:00:00Z","updatedAt":"2026-11-26T10:00:00Z","createdBy":"x","comment":"c","status":{"state":"active"}}""";
        Assert.Equal("{\"status\":\"success\",\"data\":" + expected + "}", await host.Client.GetStringAsync($"api/v1/silence/{id}"));
        Assert.Equal("{\"status\":\"success\",\"data\":[" + expected + "]}", await host.Client.GetStringAsync("api/v1/silences"));

        Assert.Equal("""{"status":"success"}""", await (await host.Client.DeleteAsync($"api/v1/silence/{id}")).Content.ReadAsStringAsync());
        var missing = await host.Client.GetAsync($"api/v1/silence/{Guid.NewGuid()}");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("Error getting silence: <nil>\n", await missing.Content.ReadAsStringAsync());
        var delete = await host.Client.DeleteAsync("api/v1/silence/nope");
        Assert.Equal(HttpStatusCode.BadRequest, delete.StatusCode);
        Assert.Equal("""{"status":"error","errorType":"bad_data","error":"silence not found"}""", await delete.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("""{"matchers":[],"startsAt":"2026-11-26T10:00:00Z","endsAt":"2026-11-27T10:00:00Z"}""", "silence invalid: at least one matcher required")]
    [InlineData("""{"matchers":[{"name":"a","value":"b"}],"startsAt":"2026-11-27T10:00:00Z","endsAt":"2026-11-27T10:00:00Z"}""", "start time must not be equal to end time")]
    [InlineData("""{"matchers":[{"name":"a","value":"b"}],"startsAt":"2020-11-27T10:00:00Z","endsAt":"2021-11-27T10:00:00Z"}""", "end time can't be in the past")]
    [InlineData("""{"matchers":[{"name":"a","value":"b"}],"startsAt":"2026-11-28T10:00:00Z","endsAt":"2026-11-27T10:00:00Z"}""", "silence invalid: end time must not be before start time")]
    [InlineData("""{"matchers":[{"name":"a","value":""}],"startsAt":"2026-11-26T10:00:00Z","endsAt":"2026-11-27T10:00:00Z"}""", "silence invalid: at least one matcher must not match the empty string")]
    public async Task Invalid_silences_are_bad_data_in_0_25s_words(string body, string error)
    {
        await using var host = await AlertingTestHost.StartAsync(time: new FakeTimeProvider(T0));
        var response = await host.PostJsonAsync("api/v1/silences", body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(error, (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!);
        Assert.Equal(0, await host.CountAsync("silences"));
    }

    [Fact]
    public async Task Options_answers_any_path_without_credentials_and_reads_need_them()
    {
        await using var host = await AlertingTestHost.StartAsync(AlertingTestHost.AuthConfig);
        var options = await host.Client.SendAsync(new HttpRequestMessage(HttpMethod.Options, "api/v1/anything/at/all"));
        Assert.Equal(HttpStatusCode.OK, options.StatusCode);
        Assert.Equal("GET, POST, DELETE, OPTIONS", options.Headers.GetValues("Access-Control-Allow-Methods").Single());
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Client.GetAsync("api/v1/alerts")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Client.GetAsync("api/v1/status")).StatusCode);
        using var read = new HttpRequestMessage(HttpMethod.Get, "api/v1/alerts");
        read.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "reader-token");
        Assert.Equal(HttpStatusCode.OK, (await host.Client.SendAsync(read)).StatusCode);
        using var silence = new HttpRequestMessage(HttpMethod.Post, "api/v1/silences")
        {
            Content = new StringContent("""{"matchers":[{"name":"a","value":"b"}],"startsAt":"2026-11-26T10:00:00Z","endsAt":"2099-11-27T10:00:00Z","createdBy":"x","comment":"c"}""", Encoding.UTF8, "application/json"),
        };
        silence.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "reader-token");
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Client.SendAsync(silence)).StatusCode);
    }
}
