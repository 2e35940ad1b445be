using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Alerting.Infrastructure;
using Xunit.Abstractions;

namespace Alerting.Flushing;

/// <summary>
/// Concurrency against real PostgreSQL: two instances sharing one database. The kill -9 crash loop under load,
/// and the other faults, are in <c>Faults/</c>.
/// </summary>
public sealed class DurabilityTests(ITestOutputHelper output)
{
    private static string Config(WebhookSink sink, string groupWait, string groupInterval) =>
        TestConfig.Webhook(sink.Url(), groupWait: groupWait, groupInterval: groupInterval);

    private static string Alerts(IEnumerable<string> names) =>
        "[" + string.Join(",", names.Select(n => $$$"""{"labels":{"alertname":"{{{n}}}","job":"durability"}}""")) + "]";

    private static IEnumerable<string> Names(JsonObject n) => n["alerts"]!.AsArray().Select(a => (string)a!["labels"]!["alertname"]!);

    [Fact]
    public async Task Two_instances_on_one_database_send_each_notification_once()
    {
        const int Count = 50;
        var clock = Stopwatch.StartNew();
        using var sink = new WebhookSink();
        var connectionString = await TestDatabase.CreateAsync();
        var config = Config(sink, groupWait: "1s", groupInterval: "1h");
        await using var first = await AlertingTestHost.StartAsync(config, connectionString);
        await using var second = await AlertingTestHost.StartAsync(config, connectionString);
        AlertingTestHost[] hosts = [first, second];

        // All in flight together, half to each instance, started 30 ms apart: the groups fall due at ~50 different
        // moments over 1.5 s, and at each both dispatchers wake and race to claim them.
        var responses = await Task.WhenAll(Enumerable.Range(0, Count).Select(async i =>
        {
            await Task.Delay(i * 30);
            return await hosts[i % 2].PostJsonAsync("api/v2/alerts", Alerts([$"Pair{i:00}"]));
        }));
        Assert.All(responses, r => Assert.True(r.IsSuccessStatusCode, $"{(int)r.StatusCode}"));

        await sink.WaitForAsync(Count, TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(3));

        var notifications = sink.Delivered();
        var perGroup = notifications.GroupBy(n => (string)n["groupKey"]!).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var flushes = new List<double>();
        foreach (var host in hosts)
        {
            flushes.Add(await TestEnvironment.MetricAsync(host.Client, "alerting_dispatcher_flushes_total"));
        }
        output.WriteLine($"two instances: {Count} posted, {notifications.Count} notifications, {perGroup.Count} groups, "
            + $"flushes {flushes[0]} + {flushes[1]}, {await Sql.QueryAsync(connectionString, "SELECT count(*) FROM notification_log")} log rows; took {clock.Elapsed.TotalSeconds:0.0} s");

        Assert.Equal(Count, perGroup.Count);
        Assert.Equal(Count, notifications.Count);
        Assert.All(perGroup, p => Assert.True(p.Value == 1, $"{p.Key} sent {p.Value} times"));
        Assert.Equal(
            Enumerable.Range(0, Count).Select(i => $"Pair{i:00}").Order(StringComparer.Ordinal),
            notifications.SelectMany(Names).Order(StringComparer.Ordinal));
        // Each group claimed by exactly one instance (group_interval 1h: no second flush yet), and both took part.
        Assert.Equal(Count, flushes.Sum());
        Assert.All(flushes, f => Assert.True(f > 0, $"an instance flushed nothing: {flushes[0]} + {flushes[1]}"));
        Assert.Equal(0, int.Parse(await Sql.QueryAsync(connectionString, "SELECT count(*) FROM outbox") ?? "-1", CultureInfo.InvariantCulture));
    }
}
