using Alerting.Infrastructure;

namespace Alerting.Flushing;

/// <summary>The durable record behind the insights' "silences that matched nothing": a flush that holds an alert back by a silence.</summary>
public sealed class FirstMutedTests
{
    [Fact]
    public async Task A_flush_records_when_a_silence_first_muted_an_alert_and_leaves_that_time_alone_afterwards()
    {
        await using var host = await AlertingTestHost.StartAsync("""
            route:
              receiver: hook
              group_by: [alertname]
              group_wait: 0s
              group_interval: 1s
            receivers:
              - name: hook
            """);
        var now = DateTimeOffset.UtcNow;
        foreach (var (name, comment) in new[] { ("Muted", "used"), ("Nothing", "unused") })
        {
            var response = await host.PostJsonAsync("api/v2/silences", $$"""
                {"matchers":[{"name":"alertname","value":"{{name}}","isRegex":false,"isEqual":true}],
                 "startsAt":"{{now:O}}","endsAt":"{{now.AddHours(1):O}}","createdBy":"tester","comment":"{{comment}}"}
                """);
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }

        await host.PostJsonAsync("api/v2/alerts", """[{"labels":{"alertname":"Muted"}}]""");

        await Eventually.EqualAsync("suppressed", () => host.ScalarAsync<string>("SELECT state FROM alerts"));
        await Eventually.EqualAsync(true, () => host.ScalarAsync<bool>("SELECT first_muted_at IS NOT NULL FROM silences WHERE comment = 'used'"));
        var first = await host.ScalarAsync<DateTime>("SELECT first_muted_at FROM silences WHERE comment = 'used'");
        // The group flushes every second: later flushes mute the alert again and must not move the first time.
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.Equal(first, await host.ScalarAsync<DateTime>("SELECT first_muted_at FROM silences WHERE comment = 'used'"));
        Assert.True(await host.ScalarAsync<bool>("SELECT first_muted_at IS NULL FROM silences WHERE comment = 'unused'"));
    }
}
