using Alerting.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Alerting.Retention;

public sealed class RetentionTests
{
    [Fact]
    public async Task Resolved_alerts_and_old_history_are_collected_after_the_retention()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        // "Live" waits a day in its group: the clock moves on below, and the dispatcher, woken by it, must not let it go.
        var config = AlertingTestHost.DefaultConfig.Replace("""
              routes:
            """, """
              routes:
                - receiver: default
                  matchers: ['alertname="Live"']
                  group_wait: 24h
                  group_interval: 24h
            """, StringComparison.Ordinal);
        await using var host = await AlertingTestHost.StartAsync(config, time: time, options: o => o with { Retention = TimeSpan.FromHours(1) });
        await host.PostJsonAsync("api/v2/alerts", $$$"""
            [{"labels":{"alertname":"Old"},"startsAt":"{{{time.GetUtcNow().AddMinutes(-10):O}}}","endsAt":"{{{time.GetUtcNow().AddMinutes(-5):O}}}"},
             {"labels":{"alertname":"Live"}}]
            """);
        // The resolved alert passes through its group, which lets go of it (nobody was told it fired).
        await Eventually.EqualAsync(0L, () => host.CountMembershipsAsync("m.fingerprint = (SELECT fingerprint FROM alerts WHERE labels->>'alertname' = 'Old')"));

        var retention = host.Server.Services.GetRequiredService<RetentionCollector>();
        await retention.CollectAsync(CancellationToken.None);
        Assert.Equal(2L, await host.CountAsync("alerts")); // within the retention: kept

        time.Advance(TimeSpan.FromHours(2));
        await retention.CollectAsync(CancellationToken.None);
        Assert.Equal(0L, await host.ScalarAsync<long>("SELECT count(*) FROM alerts WHERE labels->>'alertname' = 'Old'"));
        // History older than the retention is gone (the dispatcher, woken by the clock, may have written new events).
        Assert.Equal(0L, await host.ScalarAsync<long>($"SELECT count(*) FROM alert_events WHERE at < '{time.GetUtcNow().AddHours(-1):O}'"));
        // "Live" ended meanwhile (5m resolve timeout), but it is still in its group: kept until the group lets go.
        Assert.Equal(1L, await host.ScalarAsync<long>("SELECT count(*) FROM alerts WHERE labels->>'alertname' = 'Live'"));
        // Its arrival, kept on its row, is history older than the retention: forgotten as well.
        Assert.Equal(0L, await host.ScalarAsync<long>("SELECT count(*) FROM alerts WHERE first_seen_at IS NOT NULL"));
    }

    [Fact]
    public async Task The_insights_keep_the_days_whose_history_the_retention_deleted()
    {
        // Half past midnight: yesterday has closed (10 minutes' settling) and a 30h retention still holds all of it.
        var midnight = new DateTimeOffset(2026, 11, 25, 0, 0, 0, TimeSpan.Zero);
        var time = new FakeTimeProvider(midnight.AddMinutes(30));
        await using var host = await AlertingTestHost.StartAsync(time: time, options: o => o with { Retention = TimeSpan.FromHours(30) });
        Assert.Equal(2L, await host.ScalarAsync<long>("""
            INSERT INTO notification_attempts (at, group_key, receiver, integration, outcome, status_code, error, latency_ms, alerts, reason)
            VALUES ('2026-11-24T08:00:00Z', '{}:{alertname="Disk"}', 'ops', 'webhook[0]', 'success', 200, NULL, 12.5, '{10}', 'first notification'),
                   ('2026-11-24T09:00:00Z', '{}:{alertname="Disk"}', 'ops', 'webhook[0]', 'failed', 400, 'unexpected status code 400', 12.5, '{10}', 'new alerts');
            SELECT count(*) FROM notification_attempts
            """));
        var retention = host.Server.Services.GetRequiredService<RetentionCollector>();
        await retention.CollectAsync(CancellationToken.None);

        time.Advance(TimeSpan.FromDays(2));
        await retention.CollectAsync(CancellationToken.None);
        Assert.Equal(0L, await host.CountAsync("notification_attempts"));
        var week = await host.GetObjectAsync("api/v2/insights?period=7d");
        Assert.Equal(["2026-11-24 webhook 1/1/0"],
            week["notificationsPerChannelPerDay"]!.AsArray().Select(c => $"{c!["day"]} {c["channel"]} {c["sent"]}/{c["failed"]}/{c["rateLimited"]}"));
    }
}
