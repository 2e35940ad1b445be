using System.Net;
using System.Text.Json.Nodes;
using Alerting.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Alerting.Api;

/// <summary>
/// Where Alertmanager 0.25's API spec refuses a request before its handler runs: status 422 and the body, byte for
/// byte as captured from a real Alertmanager 0.25 for the same requests; and its lenient boolean query parameters.
/// </summary>
public sealed class SpecAnswersTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);
    private const string Times = "\"startsAt\":\"2026-11-26T10:00:00Z\",\"endsAt\":\"2026-11-27T10:00:00Z\"";
    private const string Matcher = "\"matchers\":[{\"name\":\"a\",\"value\":\"b\",\"isRegex\":false}]";

    [Theory]
    [InlineData("""[{"annotations":{"a":"b"}}]""", """{"code":602,"message":"0.labels in body is required"}""")]
    [InlineData("""[{"labels":null}]""", """{"code":602,"message":"0.labels in body is required"}""")]
    [InlineData("""[{"labels":{"alertname":"x"}},{"annotations":{}},{}]""", """{"code":602,"message":"1.labels in body is required"}""")]
    [InlineData("""[{"labels":{"a":"b"},"generatorURL":"foo"}]""", """{"code":601,"message":"0.generatorURL in body must be of type uri: \"foo\""}""")]
    // Element by element: the first element's problem wins; within one, generatorURL is checked before labels.
    [InlineData("""[{"generatorURL":"#frag"},{"annotations":{}}]""", """{"code":601,"message":"0.generatorURL in body must be of type uri: \"#frag\""}""")]
    [InlineData("""[{"annotations":{}},{"labels":{"a":"b"},"generatorURL":"foo"}]""", """{"code":602,"message":"0.labels in body is required"}""")]
    public async Task Alerts_the_spec_refuses_get_422_and_nothing_is_stored(string body, string expected)
    {
        await using var host = await AlertingTestHost.StartAsync();
        var response = await host.PostJsonAsync("api/v2/alerts", body);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal(expected, await response.Content.ReadAsStringAsync());
        Assert.Equal(0, await host.CountAsync("alerts"));
    }

    [Fact]
    public async Task Empty_labels_are_still_the_handlers_400_and_v1_has_no_spec()
    {
        await using var host = await AlertingTestHost.StartAsync();
        var empty = await host.PostJsonAsync("api/v2/alerts", """[{"labels":{}}]""");
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Contains("at least one label pair required", await empty.Content.ReadAsStringAsync());
        var v1 = await host.PostJsonAsync("api/v1/alerts", """[{"annotations":{"a":"b"}}]""");
        Assert.Equal(HttpStatusCode.BadRequest, v1.StatusCode);
        Assert.Contains("at least one label pair required", await v1.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("{}", 602, "comment in body is required")]
    [InlineData("null", 602, "comment in body is required")]
    [InlineData("{" + Matcher + "," + Times + ",\"comment\":\"c\"}", 602, "createdBy in body is required")]
    [InlineData("{" + Matcher + ",\"createdBy\":\"x\",\"comment\":\"c\"}", 602, "endsAt in body is required")]
    [InlineData("{" + Times + ",\"createdBy\":\"x\",\"comment\":\"c\"}", 602, "matchers in body is required")]
    [InlineData("{\"matchers\":[]," + Times + ",\"createdBy\":\"x\",\"comment\":\"c\"}", 612, "matchers in body should have at least 1 items")]
    [InlineData("{\"matchers\":[],\"endsAt\":\"2026-11-27T10:00:00Z\",\"createdBy\":\"x\",\"comment\":\"c\"}", 612, "matchers in body should have at least 1 items")]
    [InlineData("{\"matchers\":[{}]," + Times + ",\"createdBy\":\"x\",\"comment\":\"c\"}", 602, "matchers.0.isRegex in body is required")]
    [InlineData("{\"matchers\":[{\"value\":\"b\",\"isRegex\":false}]," + Times + ",\"createdBy\":\"x\",\"comment\":\"c\"}", 602, "matchers.0.name in body is required")]
    [InlineData("{\"matchers\":[{\"name\":\"a\",\"isRegex\":false}]," + Times + ",\"createdBy\":\"x\",\"comment\":\"c\"}", 602, "matchers.0.value in body is required")]
    [InlineData("{" + Matcher + ",\"endsAt\":\"2026-11-27T10:00:00Z\",\"createdBy\":\"x\",\"comment\":\"c\"}", 602, "startsAt in body is required")]
    public async Task Silences_the_spec_refuses_get_422_with_its_code(string body, int code, string message)
    {
        await using var host = await AlertingTestHost.StartAsync(time: new FakeTimeProvider(T0));
        var response = await host.PostJsonAsync("api/v2/silences", body);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(code, (int)error["code"]!);
        Assert.Equal(message, (string)error["message"]!);
        Assert.Equal(0, await host.CountAsync("silences"));
    }

    [Fact]
    public async Task A_lone_negative_matcher_is_a_valid_silence_as_in_Alertmanager()
    {
        await using var host = await AlertingTestHost.StartAsync(time: new FakeTimeProvider(T0));
        var response = await host.PostJsonAsync("api/v2/silences",
            "{\"matchers\":[{\"name\":\"a\",\"value\":\"x\",\"isRegex\":false,\"isEqual\":false}]," + Times + ",\"createdBy\":\"x\",\"comment\":\"c\"}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("not-a-uuid")]
    [InlineData("00000000-0000-0000-0000-00000000000")]
    [InlineData("urn:uuid:00000000-0000-0000-0000-000000000000")]
    [InlineData("%7B00000000-0000-0000-0000-000000000000%7D")]
    public async Task A_silence_id_that_is_no_uuid_gets_422_code_601(string id)
    {
        await using var host = await AlertingTestHost.StartAsync();
        var shown = Uri.UnescapeDataString(id);
        var expected = $"{{\"code\":601,\"message\":\"silenceID in path must be of type uuid: \\\"{shown}\\\"\"}}";
        foreach (var response in new[] { await host.Client.GetAsync($"api/v2/silence/{id}"), await host.Client.DeleteAsync($"api/v2/silence/{id}") })
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            Assert.Equal(expected, await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task Unknown_uuids_are_404_and_only_the_canonical_form_finds_a_silence()
    {
        await using var host = await AlertingTestHost.StartAsync(time: new FakeTimeProvider(T0));
        var created = await host.PostJsonAsync("api/v2/silences", "{" + Matcher + "," + Times + ",\"createdBy\":\"x\",\"comment\":\"c\"}");
        var id = (string)JsonNode.Parse(await created.Content.ReadAsStringAsync())!["silenceID"]!;
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync($"api/v2/silence/{id}")).StatusCode);

        // Alertmanager accepts these spellings of a UUID, looks them up as given, and finds nothing.
        foreach (var other in new[] { id.ToUpperInvariant(), id.Replace("-", "", StringComparison.Ordinal), Guid.NewGuid().ToString() })
        {
            var response = await host.Client.GetAsync($"api/v2/silence/{other}");
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("", await response.Content.ReadAsStringAsync()); // Alertmanager's 404 has no body
        }
    }

    [Fact]
    public async Task Boolean_filters_take_swaggers_words_for_true_and_treat_anything_else_as_false()
    {
        await using var host = await AlertingTestHost.StartAsync();
        await host.PostJsonAsync("api/v2/alerts", """[{"labels":{"alertname":"A"}}]""");
        foreach (var value in new[] { "true", "1", "yes", "ok", "y", "on", "selected", "checked", "t", "enabled", "Enabled", "YES", "" })
        {
            Assert.Single(await host.GetArrayAsync($"api/v2/alerts?active={value}"));
            Assert.Single(await host.GetArrayAsync($"api/v2/alerts/groups?active={value}"));
        }
        foreach (var value in new[] { "false", "0", "no", "maybe", "%20true" })
        {
            Assert.Empty(await host.GetArrayAsync($"api/v2/alerts?active={value}"));
            Assert.Empty(await host.GetArrayAsync($"api/v2/alerts/groups?active={value}"));
        }
        // The last value counts; unknown words never make an error, on any flag.
        Assert.Empty(await host.GetArrayAsync("api/v2/alerts?active=true&active=false"));
        Assert.Single(await host.GetArrayAsync("api/v2/alerts?active=false&active=true"));
        Assert.Single(await host.GetArrayAsync("api/v2/alerts?silenced=maybe&inhibited=maybe&unprocessed=maybe"));
    }
}
