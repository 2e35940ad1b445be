using System.Net;
using System.Text.Json.Nodes;
using Alerting.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Alerting.Api;

public sealed class AlertsApiTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Posted_alerts_are_listed_with_fingerprint_receivers_and_status()
    {
        await using var host = await AlertingTestHost.StartAsync();
        var response = await host.PostJsonAsync("api/v2/alerts", """
            [{"labels":{"alertname":"alert1","severity":"critical"},"annotations":{"summary":"s"},"generatorURL":"http://prom/graph"},
             {"labels":{"alertname":"DbDown","team":"db","empty":""}}]
            """);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var alerts = await host.GetArrayAsync("api/v2/alerts");
        Assert.Equal(2, alerts.Count);
        // Sorted by fingerprint.
        var fps = alerts.Select(a => (string)a!["fingerprint"]!).ToList();
        Assert.Equal(fps.Order(StringComparer.Ordinal), fps);
        var first = alerts.Single(a => (string)a!["fingerprint"]! == "0223b772b51c29e1")!;
        Assert.Equal("s", (string)first["annotations"]!["summary"]!);
        Assert.Equal("http://prom/graph", (string)first["generatorURL"]!);
        Assert.Equal("active", (string)first["status"]!["state"]!);
        Assert.Equal("default", (string)first["receivers"]![0]!["name"]!);
        var db = alerts.Single(a => (string)a!["labels"]!["alertname"]! == "DbDown")!;
        Assert.Equal("db", (string)db["receivers"]![0]!["name"]!);
        Assert.Null(db["labels"]!["empty"]); // empty-valued labels are dropped
        Assert.False(db.AsObject().ContainsKey("generatorURL")); // omitted when empty, as Alertmanager's omitempty does
    }

    [Fact]
    public async Task Missing_times_default_to_now_and_resolve_timeout()
    {
        var time = new FakeTimeProvider(T0);
        await using var host = await AlertingTestHost.StartAsync(time: time);
        await host.PostJsonAsync("api/v2/alerts", """[{"labels":{"alertname":"A"}}]""");
        var a = (await host.GetArrayAsync("api/v2/alerts")).Single()!;
        Assert.Equal(T0, DateTimeOffset.Parse((string)a["startsAt"]!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(T0.AddMinutes(5), DateTimeOffset.Parse((string)a["endsAt"]!, System.Globalization.CultureInfo.InvariantCulture));

        // Only endsAt given: startsAt takes it (Alertmanager's rule).
        await host.PostJsonAsync("api/v2/alerts", """[{"labels":{"alertname":"B"},"endsAt":"2026-11-26T11:00:00Z"}]""");
        var b = (await host.GetArrayAsync("api/v2/alerts?filter=alertname%3DB")).Single()!;
        Assert.Equal((string)b["endsAt"]!, (string)b["startsAt"]!);
    }

    [Fact]
    public async Task Invalid_alerts_get_400_while_valid_ones_in_the_batch_are_stored()
    {
        await using var host = await AlertingTestHost.StartAsync();
        var response = await host.PostJsonAsync("api/v2/alerts", """
            [{"labels":{"alertname":"Good"}},
             {"labels":{"":"x"}},
             {"labels":{}},
             {"labels":{"alertname":"Backwards"},"startsAt":"2026-01-02T00:00:00Z","endsAt":"2026-01-01T00:00:00Z"}]
            """);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = (string)System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Contains("alert 1: invalid label name \"\"", body);
        Assert.Contains("alert 2: at least one label pair required", body);
        Assert.Contains("alert 3: start time must be before end time", body);
        Assert.Equal(1, await host.CountAsync("alerts"));
        Assert.Equal("Good", (string)(await host.GetArrayAsync("api/v2/alerts")).Single()!["labels"]!["alertname"]!);
    }

    [Fact]
    public async Task Overlapping_resend_is_merged_and_refire_after_resolve_replaces()
    {
        var time = new FakeTimeProvider(T0);
        await using var host = await AlertingTestHost.StartAsync(time: time);
        await host.PostJsonAsync("api/v2/alerts", """[{"labels":{"alertname":"M"},"annotations":{"v":"1"},"startsAt":"2026-11-26T09:50:00Z","endsAt":"2026-11-26T10:20:00Z"}]""");
        time.Advance(TimeSpan.FromMinutes(1));
        // Later start inside the stored range: merged, earliest start kept, newest annotations.
        await host.PostJsonAsync("api/v2/alerts", """[{"labels":{"alertname":"M"},"annotations":{"v":"2"},"startsAt":"2026-11-26T09:55:00Z","endsAt":"2026-11-26T10:25:00Z"}]""");
        var m = (await host.GetArrayAsync("api/v2/alerts")).Single()!;
        Assert.StartsWith("2026-11-26T09:50:00", (string)m["startsAt"]!);
        Assert.StartsWith("2026-11-26T10:25:00", (string)m["endsAt"]!);
        Assert.Equal("2", (string)m["annotations"]!["v"]!);

        // Resolve, then fire again later: not merged, a new start.
        await host.PostJsonAsync("api/v2/alerts", """[{"labels":{"alertname":"M"},"startsAt":"2026-11-26T09:50:00Z","endsAt":"2026-11-26T10:01:00Z"}]""");
        Assert.Empty(await host.GetArrayAsync("api/v2/alerts")); // resolved alerts are left out
        time.Advance(TimeSpan.FromMinutes(10));
        await host.PostJsonAsync("api/v2/alerts", """[{"labels":{"alertname":"M"},"startsAt":"2026-11-26T10:11:00Z"}]""");
        m = (await host.GetArrayAsync("api/v2/alerts")).Single()!;
        Assert.StartsWith("2026-11-26T10:11:00", (string)m["startsAt"]!);
    }

    [Fact]
    public async Task Duplicates_within_one_batch_apply_in_order()
    {
        await using var host = await AlertingTestHost.StartAsync();
        var response = await host.PostJsonAsync("api/v2/alerts", """
            [{"labels":{"alertname":"D"},"annotations":{"v":"1"}},{"labels":{"alertname":"D"},"annotations":{"v":"2"}}]
            """);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("2", (string)(await host.GetArrayAsync("api/v2/alerts")).Single()!["annotations"]!["v"]!);
    }

    [Fact]
    public async Task Filters_select_by_matchers_state_and_receiver()
    {
        await using var host = await AlertingTestHost.StartAsync();
        await host.PostJsonAsync("api/v2/alerts", """
            [{"labels":{"alertname":"Crit","severity":"critical","cluster":"a"}},
             {"labels":{"alertname":"Warn","severity":"warning","cluster":"a"}},
             {"labels":{"alertname":"Db","team":"db"}}]
            """);
        Assert.Single(await host.GetArrayAsync("api/v2/alerts?filter=alertname%3D%22Crit%22"));
        Assert.Equal(2, (await host.GetArrayAsync("api/v2/alerts?filter=alertname%3D~%22(Crit|Warn)%22")).Count);
        Assert.Single(await host.GetArrayAsync("api/v2/alerts?filter=alertname%3D~Crit.*&filter=cluster%3Da"));
        Assert.Single(await host.GetArrayAsync("api/v2/alerts?receiver=db"));
        Assert.Equal(2, (await host.GetArrayAsync("api/v2/alerts?receiver=def.*")).Count);

        // The warning is inhibited by the critical alert in the same cluster.
        var warn = (await host.GetArrayAsync("api/v2/alerts?filter=alertname%3DWarn")).Single()!;
        Assert.Equal("suppressed", (string)warn["status"]!["state"]!);
        Assert.Single(warn["status"]!["inhibitedBy"]!.AsArray());
        Assert.Equal(2, (await host.GetArrayAsync("api/v2/alerts?inhibited=false")).Count);
        Assert.Single(await host.GetArrayAsync("api/v2/alerts?active=false"));

        var bad = await host.Client.GetAsync("api/v2/alerts?filter=alertname%3D%22unclosed");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("unescaped double quote", await bad.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Silenced_alerts_report_their_silence()
    {
        await using var host = await AlertingTestHost.StartAsync();
        await host.PostJsonAsync("api/v2/alerts", """[{"labels":{"alertname":"S"}},{"labels":{"alertname":"T"}}]""");
        var created = await host.PostJsonAsync("api/v2/silences", $$"""
            {"matchers":[{"name":"alertname","value":"S","isRegex":false,"isEqual":true}],
             "startsAt":"{{DateTimeOffset.UtcNow.AddMinutes(-1):O}}","endsAt":"{{DateTimeOffset.UtcNow.AddHours(1):O}}",
             "createdBy":"test","comment":"quiet"}
            """);
        var id = (string)JsonNode.Parse(await created.Content.ReadAsStringAsync())!["silenceID"]!;
        var s = (await host.GetArrayAsync("api/v2/alerts?filter=alertname%3DS")).Single()!;
        Assert.Equal("suppressed", (string)s["status"]!["state"]!);
        Assert.Equal(id, (string)s["status"]!["silencedBy"]![0]!);
        Assert.Equal("T", (string)(await host.GetArrayAsync("api/v2/alerts?silenced=false")).Single()!["labels"]!["alertname"]!);
    }

    [Fact]
    public async Task Groups_follow_the_route_tree()
    {
        await using var host = await AlertingTestHost.StartAsync();
        await host.PostJsonAsync("api/v2/alerts", """
            [{"labels":{"alertname":"G","instance":"1"}},{"labels":{"alertname":"G","instance":"2"}},{"labels":{"alertname":"H","team":"db"}}]
            """);
        var groups = await host.GetArrayAsync("api/v2/alerts/groups");
        Assert.Equal(2, groups.Count);
        var g = groups.Single(x => (string)x!["receiver"]!["name"]! == "default")!;
        Assert.Equal("G", (string)g["labels"]!["alertname"]!);
        Assert.Equal(2, g["alerts"]!.AsArray().Count);
        var h = groups.Single(x => (string)x!["receiver"]!["name"]! == "db")!;
        Assert.Single(h["alerts"]!.AsArray());
        Assert.All(groups.SelectMany(x => x!["alerts"]!.AsArray()), a => Assert.False(a!.AsObject().ContainsKey("generatorURL")));
    }

    [Fact]
    public async Task Receivers_are_listed_once_per_matching_route_as_Alertmanager_does()
    {
        await using var host = await AlertingTestHost.StartAsync("""
            route:
              receiver: default
              routes:
                - {receiver: default, matchers: [a="1"], continue: true}
                - {receiver: default, matchers: [b="2"]}
            receivers:
              - name: default
            """);
        await host.PostJsonAsync("api/v2/alerts", """[{"labels":{"a":"1","b":"2"}}]""");
        // Captured from Alertmanager 0.25 with the same tree: [{"name":"default"},{"name":"default"}], and v1 ["default","default"].
        var alert = (await host.GetArrayAsync("api/v2/alerts")).Single()!;
        Assert.Equal(["default", "default"], alert["receivers"]!.AsArray().Select(r => (string)r!["name"]!));
        Assert.Equal(["default", "default"], (await host.GetObjectAsync("api/v1/alerts"))["data"]![0]!["receivers"]!.AsArray().Select(r => (string)r!));
    }

    [Fact]
    public async Task V1_post_is_accepted()
    {
        await using var host = await AlertingTestHost.StartAsync();
        var response = await host.PostJsonAsync("api/v1/alerts", """[{"labels":{"alertname":"Old"}}]""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("success", await response.Content.ReadAsStringAsync());
        Assert.Single(await host.GetArrayAsync("api/v2/alerts"));
    }

    [Fact]
    public async Task Alerts_and_silences_survive_a_restart()
    {
        string connectionString;
        await using (var first = await AlertingTestHost.StartAsync())
        {
            connectionString = first.ConnectionString;
            await first.PostJsonAsync("api/v2/alerts", """[{"labels":{"alertname":"Durable"}}]""");
            var r = await first.PostJsonAsync("api/v2/silences", $$"""
                {"matchers":[{"name":"alertname","value":"Other","isRegex":false}],"startsAt":"{{DateTimeOffset.UtcNow:O}}",
                 "endsAt":"{{DateTimeOffset.UtcNow.AddHours(1):O}}","createdBy":"t","comment":"c"}
                """);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        await using var second = await AlertingTestHost.StartAsync(connectionString: connectionString);
        Assert.Equal("Durable", (string)(await second.GetArrayAsync("api/v2/alerts")).Single()!["labels"]!["alertname"]!);
        Assert.Single(await second.GetArrayAsync("api/v2/silences"));
    }

    [Fact]
    public async Task Database_outage_answers_503_with_retry_after_never_200()
    {
        await using var host = await AlertingTestHost.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await host.PostJsonAsync("api/v2/alerts", """[{"labels":{"alertname":"Before"}}]""")).StatusCode);

        // Take the database away under the running service.
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(host.ConnectionString);
        var database = builder.Database!;
        builder.Database = "postgres";
        await using (var admin = new Npgsql.NpgsqlConnection(builder.ConnectionString))
        {
            await admin.OpenAsync();
            await using var cmd = new Npgsql.NpgsqlCommand($"ALTER DATABASE \"{database}\" WITH ALLOW_CONNECTIONS false; SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}'", admin);
            await cmd.ExecuteNonQueryAsync();
        }
        try
        {
            var response = await host.PostJsonAsync("api/v2/alerts", """[{"labels":{"alertname":"During"}}]""");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.True(response.Headers.RetryAfter is not null);
            var ready = await host.Client.GetAsync("-/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("-/healthy")).StatusCode);
        }
        finally
        {
            await using var admin = new Npgsql.NpgsqlConnection(builder.ConnectionString);
            await admin.OpenAsync();
            await using var cmd = new Npgsql.NpgsqlCommand($"ALTER DATABASE \"{database}\" WITH ALLOW_CONNECTIONS true", admin);
            await cmd.ExecuteNonQueryAsync();
        }
        // Back again: accepted, and nothing was half-stored meanwhile.
        Npgsql.NpgsqlConnection.ClearAllPools();
        Assert.Equal(HttpStatusCode.OK, (await host.PostJsonAsync("api/v2/alerts", """[{"labels":{"alertname":"After"}}]""")).StatusCode);
        var names = (await host.GetArrayAsync("api/v2/alerts")).Select(a => (string)a!["labels"]!["alertname"]!).Order().ToList();
        Assert.Equal(["After", "Before"], names);
    }
}
