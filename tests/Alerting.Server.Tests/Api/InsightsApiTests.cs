using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Alerting.Infrastructure;
using Alerting.Insights;

namespace Alerting.Api;

/// <summary>
/// GET /api/v2/insights on a hand-built history with known answers (<see cref="InsightsHistory"/>): every figure of the
/// report, for the periods the history is laid out for.
/// </summary>
public sealed class InsightsApiTests
{
    private const string Config = """
        route:
          receiver: ops
          group_by: [alertname]
        receivers:
          - name: ops
          - name: pager
        """;

    private static async Task<AlertingTestHost> StartAsync()
    {
        // History of 30 days must outlive the default 120h retention for the run.
        var host = await AlertingTestHost.StartAsync(Config, clock: new PinnedClock(InsightsHistory.Now),
            options: o => o with { Retention = TimeSpan.FromDays(400) });
        await host.ScalarAsync<int>(InsightsHistory.Sql);
        return host;
    }

    [Fact]
    public async Task The_day_report_has_every_figure_of_the_hand_built_history()
    {
        await using var host = await StartAsync();

        var report = await host.GetObjectAsync("api/v2/insights?period=24h");

        Assert.Equal("24h", (string)report["period"]!);
        var from = DateTimeOffset.Parse((string)report["from"]!, CultureInfo.InvariantCulture);
        var to = DateTimeOffset.Parse((string)report["to"]!, CultureInfo.InvariantCulture);
        Assert.Equal(TimeSpan.FromHours(24), to - from);
        Assert.InRange(to - InsightsHistory.Now, TimeSpan.Zero, TimeSpan.FromMinutes(5));

        // Noise: successful sends carrying each alert, with their receivers; groups by (key, receiver).
        Assert.Equal(
            ["000000000000000a 3 ops,pager DiskFull a", "000000000000000b 1 ops DiskFull b", "000000000000000c 1 ops CpuHigh c"],
            report["noisiestAlerts"]!.AsArray().Select(a => $"{a!["fingerprint"]} {a["notifications"]} {Join(a["receivers"])} {a["alertName"]} {a["labels"]!["instance"]}"));
        Assert.Equal(
            [$"{InsightsHistory.Disk} ops 2 DiskFull", $"{InsightsHistory.Cpu} ops 1 -", $"{InsightsHistory.Disk} pager 1 -"],
            report["noisiestGroups"]!.AsArray().Select(g =>
                $"{g!["groupKey"]} {g["receiver"]} {g["notifications"]} {(string?)g["groupLabels"]!["alertname"] ?? "-"}"));

        // Flapping: five resolutions of alert a in the period; their lives fired 90, 30, 40, 20 and 50 minutes and
        // started 5h, 3h, 5h and 4h apart (the first life started before the period: measured all the same).
        var flapping = report["flapping"]!;
        Assert.Equal(3, (int)flapping["minimumCycles"]!);
        var flapper = Assert.Single(flapping["alerts"]!.AsArray())!;
        Assert.Equal("000000000000000a", (string)flapper["fingerprint"]!);
        Assert.Equal("DiskFull", (string)flapper["alertName"]!);
        Assert.Equal(5, (long)flapper["cycles"]!);
        Assert.Equal(2400, (double)flapper["medianFiringSeconds"]!, 3);
        Assert.Equal(16200, (double)flapper["medianCycleSeconds"]!, 3);
        Assert.Equal("1h", (string)flapper["suggestedFor"]!);
        Assert.Equal("6h", (string)flapper["suggestedGroupInterval"]!);

        // Response times (seconds) of the acknowledgements and resolutions in the period: see InsightsHistory.
        AssertTimes(report["byReceiver"]!, "ops", 4, 900, 2880, 7, 1200, 3600);
        AssertTimes(report["byReceiver"]!, "pager", 1, 1800, 1800, 2, 1650, 2730);
        Assert.Equal(["ops", "pager"], report["byReceiver"]!.AsArray().Select(r => (string)r!["key"]!));
        AssertTimes(report["byAlertName"]!, "", 0, null, null, 1, 300, 300);
        AssertTimes(report["byAlertName"]!, "CpuHigh", 1, 3600, 3600, 0, null, null);
        AssertTimes(report["byAlertName"]!, "DiskFull", 4, 900, 1620, 8, 1500, 3720);
        Assert.Equal(["", "CpuHigh", "DiskFull"], report["byAlertName"]!.AsArray().Select(r => (string)r!["key"]!));

        // Sends per channel and day: sent, failed, deferred by a rate limit.
        Assert.Equal(
            ["2026-11-25 pagerduty 1/0/0", "2026-11-25 slack 3/0/1", "2026-11-25 webhook 0/2/0"],
            report["notificationsPerChannelPerDay"]!.AsArray().Select(c => $"{c!["day"]} {c["channel"]} {c["sent"]}/{c["failed"]}/{c["rateLimited"]}"));

        // Silences: three started in the period (3h, 1h, 8h); two in effect in it muted nothing, the newest first.
        var silences = report["silences"]!;
        Assert.Equal(3, (long)silences["created"]!);
        Assert.Equal(10800, (double)silences["medianDurationSeconds"]!, 3);
        Assert.Equal(28800, (double)silences["longestDurationSeconds"]!, 3);
        var unused = silences["matchedNothing"]!.AsArray();
        Assert.Equal(["s1 by alice", "s3 by bob"], unused.Select(s => $"{s!["comment"]} by {s["createdBy"]}"));
        Assert.Equal(InsightsHistory.S1.ToString(), (string)unused[0]!["id"]!);
        Assert.Equal("{alertname=\"DiskFull\"}", (string)unused[0]!["matchers"]!);
        Assert.Equal(InsightsHistory.Now.AddHours(-2), DateTimeOffset.Parse((string)unused[0]!["startsAt"]!, CultureInfo.InvariantCulture));
        Assert.Equal(InsightsHistory.Now.AddHours(1), DateTimeOffset.Parse((string)unused[0]!["endsAt"]!, CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Longer_periods_take_in_older_history_and_the_flapping_threshold_can_be_lowered()
    {
        await using var host = await StartAsync();

        var week = await host.GetObjectAsync("api/v2/insights?period=7d");
        Assert.Equal(
            ["000000000000000a 3 ops,pager", "000000000000000c 2 ops", "000000000000000b 1 ops", "000000000000000d 1 ops"],
            week["noisiestAlerts"]!.AsArray().Select(a => $"{a!["fingerprint"]} {a["notifications"]} {Join(a["receivers"])}"));
        // An alert whose row is gone keeps its fingerprint, without labels.
        Assert.Equal("", (string)week["noisiestAlerts"]![3]!["alertName"]!);
        Assert.Empty(week["noisiestAlerts"]![3]!["labels"]!.AsObject());
        Assert.Equal(
            ["2026-11-24 webhook 1/0/0", "2026-11-25 pagerduty 1/0/0", "2026-11-25 slack 3/0/1", "2026-11-25 webhook 0/2/0"],
            week["notificationsPerChannelPerDay"]!.AsArray().Select(c => $"{c!["day"]} {c["channel"]} {c["sent"]}/{c["failed"]}/{c["rateLimited"]}"));
        // Alert c's life of yesterday (30 minutes to resolve) joins its name's figures.
        AssertTimes(week["byAlertName"]!, "CpuHigh", 1, 3600, 3600, 1, 1800, 1800);

        var month = await host.GetObjectAsync("api/v2/insights?period=30d");
        Assert.Equal(
            ["000000000000000a 3 ops,pager", "000000000000000c 2 ops", "000000000000000d 2 ops,pager", "000000000000000b 1 ops"],
            month["noisiestAlerts"]!.AsArray().Select(a => $"{a!["fingerprint"]} {a["notifications"]} {Join(a["receivers"])}"));
        Assert.Equal(["s1 by alice", "s3 by bob", "s5 by carol"], month["silences"]!["matchedNothing"]!.AsArray().Select(s => $"{s!["comment"]} by {s["createdBy"]}"));
        Assert.Equal(5, (long)month["silences"]!["created"]!);

        // Alert b resolved three times: flapping from two cycles up. Its lives fired 10, 12 and 14 minutes, 1h and 2h apart.
        var lowered = await host.GetObjectAsync("api/v2/insights?period=24h&flapping_min=2");
        Assert.Equal(2, (int)lowered["flapping"]!["minimumCycles"]!);
        Assert.Equal(
            ["000000000000000a 5 2400 16200 1h 6h", "000000000000000b 3 720 5400 15m 2h"],
            lowered["flapping"]!["alerts"]!.AsArray().Select(f =>
                $"{f!["fingerprint"]} {f["cycles"]} {(double)f["medianFiringSeconds"]!:0} {(double)f["medianCycleSeconds"]!:0} {f["suggestedFor"]} {f["suggestedGroupInterval"]}"));

        // Without a period: the last 24 hours.
        Assert.Equal("24h", (string)(await host.GetObjectAsync("api/v2/insights"))["period"]!);
    }

    [Theory]
    [InlineData("period=1y", "unknown period \"1y\": use 24h, 7d or 30d")]
    [InlineData("period=24H", "unknown period \"24H\": use 24h, 7d or 30d")]
    [InlineData("flapping_min=0", "flapping_min \"0\" is not a whole number from 1 to 10000")]
    [InlineData("flapping_min=x", "flapping_min \"x\" is not a whole number from 1 to 10000")]
    public async Task An_unknown_period_or_threshold_is_refused_with_what_to_use(string query, string message)
    {
        await using var host = await AlertingTestHost.StartAsync(Config);
        var response = await host.Client.GetAsync($"api/v2/insights?{query}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(message, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.GetValue<string>());
    }

    [Fact]
    public async Task Insights_need_read_access_like_the_rest_of_the_api()
    {
        await using var host = await AlertingTestHost.StartAsync(AlertingTestHost.AuthConfig);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Client.GetAsync("api/v2/insights")).StatusCode);
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v2/insights?period=7d");
        request.Headers.Authorization = new("Bearer", "reader-token");
        Assert.Equal(HttpStatusCode.OK, (await host.Client.SendAsync(request)).StatusCode);
    }

    private static string Join(JsonNode? array) => string.Join(",", array!.AsArray().Select(r => (string)r!));

    private static void AssertTimes(JsonNode list, string key, long acknowledged, double? ackMedian, double? ackP90, long resolved, double? resolveMedian, double? resolveP90)
    {
        var times = Assert.Single(list.AsArray(), t => (string)t!["key"]! == key)!;
        Assert.Equal(acknowledged, (long)times["acknowledged"]!);
        Assert.Equal(resolved, (long)times["resolved"]!);
        AssertSeconds(ackMedian, times["acknowledgeMedianSeconds"], $"{key} acknowledge median");
        AssertSeconds(ackP90, times["acknowledgeP90Seconds"], $"{key} acknowledge p90");
        AssertSeconds(resolveMedian, times["resolveMedianSeconds"], $"{key} resolve median");
        AssertSeconds(resolveP90, times["resolveP90Seconds"], $"{key} resolve p90");
    }

    private static void AssertSeconds(double? expected, JsonNode? actual, string what)
    {
        if (expected is null)
        {
            Assert.True(actual is null, $"{what}: expected null, got {actual}");
            return;
        }
        Assert.True(actual is not null, $"{what}: expected {expected}, got null");
        Assert.True(Math.Abs(expected.Value - (double)actual!) < 0.001, $"{what}: expected {expected}, got {actual}");
    }
}
