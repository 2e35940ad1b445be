using System.Net;
using System.Text.Json.Nodes;
using Alerting.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Alerting.Api;

public sealed class SilencesApiTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);

    private static string Body(string matchers, DateTimeOffset start, DateTimeOffset end, string? id = null, string comment = "c") => $$"""
        {{{(id is null ? "" : $"\"id\":\"{id}\",")}}"matchers":{{matchers}},"startsAt":"{{start:O}}","endsAt":"{{end:O}}","createdBy":"tester","comment":"{{comment}}"}
        """;

    private const string AlertA = """[{"name":"alertname","value":"A","isRegex":false,"isEqual":true}]""";

    private static async Task<string> CreateAsync(AlertingTestHost host, string body)
    {
        var response = await host.PostJsonAsync("api/v2/silences", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return (string)JsonNode.Parse(text)!["silenceID"]!;
    }

    [Fact]
    public async Task Comments_and_authors_have_a_server_side_length_limit()
    {
        var time = new FakeTimeProvider(T0);
        await using var host = await AlertingTestHost.StartAsync(time: time);
        // The form's maxlength binds only browsers: 4,000,000 characters were once stored.
        var huge = await host.PostJsonAsync("api/v2/silences", Body(AlertA, T0, T0.AddHours(1), comment: new string('c', 4_000_000)));
        Assert.Equal(HttpStatusCode.BadRequest, huge.StatusCode);
        Assert.Contains("comment is longer than 10000 characters", await huge.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var v1 = await host.PostJsonAsync("api/v1/silences", Body(AlertA, T0, T0.AddHours(1), comment: new string('c', 10_001)));
        Assert.Equal(HttpStatusCode.BadRequest, v1.StatusCode);
        var author = await host.PostJsonAsync("api/v2/silences", Body(AlertA, T0, T0.AddHours(1)).Replace("\"tester\"", $"\"{new string('a', 1_001)}\"", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.BadRequest, author.StatusCode);
        Assert.Equal(0, await host.CountAsync("silences"));
        await CreateAsync(host, Body(AlertA, T0, T0.AddHours(1), comment: new string('c', 10_000)));
    }

    [Fact]
    public async Task Create_get_list_and_expire()
    {
        var time = new FakeTimeProvider(T0);
        await using var host = await AlertingTestHost.StartAsync(time: time);
        var id = await CreateAsync(host, Body(AlertA, T0, T0.AddHours(1)));

        var one = await host.GetObjectAsync($"api/v2/silence/{id}");
        Assert.Equal("active", (string)one["status"]!["state"]!);
        Assert.Equal("tester", (string)one["createdBy"]!);
        Assert.Equal("alertname", (string)one["matchers"]![0]!["name"]!);
        Assert.True((bool)one["matchers"]![0]!["isEqual"]!);

        Assert.Equal(HttpStatusCode.OK, (await host.Client.DeleteAsync($"api/v2/silence/{id}")).StatusCode);
        Assert.Equal("expired", (string)(await host.GetObjectAsync($"api/v2/silence/{id}"))["status"]!["state"]!);
        // Expired silences stay listed.
        Assert.Single(await host.GetArrayAsync("api/v2/silences"));
    }

    [Fact]
    public async Task Unknown_ids_are_404()
    {
        await using var host = await AlertingTestHost.StartAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync($"api/v2/silence/{Guid.NewGuid()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.DeleteAsync($"api/v2/silence/{Guid.NewGuid()}")).StatusCode);
        var update = await host.PostJsonAsync("api/v2/silences", Body(AlertA, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddHours(1), Guid.NewGuid().ToString()));
        Assert.Equal(HttpStatusCode.NotFound, update.StatusCode);
    }

    [Theory]
    [InlineData("""[{"name":"alertname","value":".*","isRegex":true}]""", 0, 60, "at least one matcher must not match the empty string")]
    [InlineData("""[{"name":"alertname","value":"(","isRegex":true}]""", 0, 60, "invalid regular expression")]
    [InlineData(AlertA, 60, 0, "start time must be before end time")]
    [InlineData(AlertA, -120, -60, "end time can't be in the past")]
    [InlineData("""[{"name":"","value":"x","isRegex":false}]""", 0, 60, "silence invalid: invalid label matcher 0: invalid label name \"\"")]
    public async Task Invalid_silences_are_refused_with_the_reason(string matchers, int startMin, int endMin, string reason)
    {
        var time = new FakeTimeProvider(T0);
        await using var host = await AlertingTestHost.StartAsync(time: time);
        var response = await host.PostJsonAsync("api/v2/silences", Body(matchers, T0.AddMinutes(startMin), T0.AddMinutes(endMin)));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
        Assert.Equal(0, await host.CountAsync("silences"));
    }

    [Fact]
    public async Task Update_in_place_when_allowed_otherwise_expire_and_replace()
    {
        var time = new FakeTimeProvider(T0);
        await using var host = await AlertingTestHost.StartAsync(time: time);
        var id = await CreateAsync(host, Body(AlertA, T0, T0.AddHours(1)));
        time.Advance(TimeSpan.FromMinutes(5));

        // Extending the end of an active silence keeps its id.
        var same = await CreateAsync(host, Body(AlertA, T0, T0.AddHours(3), id, "longer"));
        Assert.Equal(id, same);
        Assert.Equal("longer", (string)(await host.GetObjectAsync($"api/v2/silence/{id}"))["comment"]!);

        // Changing matchers expires the old one and creates a new one.
        var other = await CreateAsync(host, Body("""[{"name":"alertname","value":"B","isRegex":false}]""", T0, T0.AddHours(3), id));
        Assert.NotEqual(id, other);
        Assert.Equal("expired", (string)(await host.GetObjectAsync($"api/v2/silence/{id}"))["status"]!["state"]!);
        Assert.Equal("active", (string)(await host.GetObjectAsync($"api/v2/silence/{other}"))["status"]!["state"]!);
    }

    [Fact]
    public async Task A_start_in_the_past_becomes_now()
    {
        var time = new FakeTimeProvider(T0);
        await using var host = await AlertingTestHost.StartAsync(time: time);
        var id = await CreateAsync(host, Body(AlertA, T0.AddHours(-1), T0.AddHours(1)));
        Assert.StartsWith("2026-11-26T10:00:00", (string)(await host.GetObjectAsync($"api/v2/silence/{id}"))["startsAt"]!);
    }

    [Fact]
    public async Task List_is_sorted_active_pending_expired_and_filterable()
    {
        var time = new FakeTimeProvider(T0);
        await using var host = await AlertingTestHost.StartAsync(time: time);
        var expired = await CreateAsync(host, Body(AlertA, T0, T0.AddMinutes(10)));
        var pending = await CreateAsync(host, Body("""[{"name":"alertname","value":"P","isRegex":false}]""", T0.AddHours(2), T0.AddHours(3)));
        var activeLate = await CreateAsync(host, Body("""[{"name":"team","value":"db","isRegex":false}]""", T0, T0.AddHours(5)));
        var activeSoon = await CreateAsync(host, Body("""[{"name":"team","value":"web","isRegex":false}]""", T0, T0.AddHours(1)));
        time.Advance(TimeSpan.FromMinutes(20));

        var ids = (await host.GetArrayAsync("api/v2/silences")).Select(s => (string)s!["id"]!).ToList();
        Assert.Equal([activeSoon, activeLate, pending, expired], ids);

        var filtered = await host.GetArrayAsync("api/v2/silences?filter=team%3D~%22d.*%22");
        Assert.Equal(activeLate, (string)filtered.Single()!["id"]!);
    }
}
