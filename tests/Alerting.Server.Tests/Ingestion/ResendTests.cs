using Alerting.Core.Alerts;
using Alerting.Core.Labels;
using Alerting.Infrastructure;
using Alerting.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Alerting.Ingestion;

public sealed class ResendTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(0, 0, 60, true)]      // same end
    [InlineData(0, 30, 60, true)]     // moved 30 s of 60 min left
    [InlineData(0, 61, 60, false)]    // beyond a minute
    [InlineData(0, 30, 1, false)]     // 30 s is more than a quarter of one minute left
    [InlineData(0, -10, 60, false)]   // an earlier end is news
    [InlineData(5, 0, 60, true)]      // a later start inside the stored range merges into the stored one
    [InlineData(-5, 0, 60, false)]    // an earlier start is news
    public void Ends_at_lag_rule(int startShiftMinutes, int lagSeconds, int storedMinutesLeft, bool covered)
    {
        var storedStarts = Now.AddHours(-1);
        var storedEnds = Now.AddMinutes(storedMinutesLeft);
        var starts = storedStarts.AddMinutes(startShiftMinutes);
        var ends = storedEnds.AddSeconds(lagSeconds);
        Assert.Equal(covered, EndsAtLag.Covers(storedStarts, storedEnds, starts, ends, Now));
    }

    [Fact]
    public void A_resolved_stored_alert_is_never_covered()
    {
        Assert.False(EndsAtLag.Covers(Now.AddHours(-1), Now.AddSeconds(-1), Now.AddHours(-1), Now.AddSeconds(-1), Now));
    }

    [Fact]
    public void The_view_covers_only_what_it_remembers_unchanged()
    {
        var cache = new StoredAlertCache();
        var alert = Stored("v1");
        cache.Remember(cache.Generation, [(alert, alert.Alert.StartsAt, alert.Alert.EndsAt)]);
        Assert.False(cache.Covers(alert, Now)); // off until its listener is up

        cache.SetEnabled(true);
        cache.Remember(cache.Generation, [(alert, alert.Alert.StartsAt, alert.Alert.EndsAt)]);
        Assert.True(cache.Covers(alert, Now));
        Assert.True(cache.Covers(alert with { Alert = alert.Alert with { EndsAt = alert.Alert.EndsAt.AddSeconds(20) } }, Now));
        Assert.False(cache.Covers(Stored("v2"), Now));
        Assert.False(cache.Covers(alert with { Source = "grafana" }, Now));
        Assert.False(cache.Covers(alert with { Alert = alert.Alert with { Timeout = false } }, Now));

        // Another instance wrote: everything is forgotten, and a read from before that is not remembered.
        var before = cache.Generation;
        cache.Clear();
        Assert.False(cache.Covers(alert, Now));
        cache.Remember(before, [(alert, alert.Alert.StartsAt, alert.Alert.EndsAt)]);
        Assert.False(cache.Covers(alert, Now));
    }

    [Fact]
    public async Task An_unchanged_resend_writes_nothing_until_its_end_has_moved_a_minute()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await AlertingTestHost.StartAsync(time: time);
        var cache = host.Server.Services.GetRequiredService<StoredAlertCache>();
        await Eventually.EqualAsync(true, () => Task.FromResult(cache.Enabled));
        var body = $$"""[{"labels":{"alertname":"Resent"},"annotations":{"summary":"s"},"startsAt":"{{time.GetUtcNow().AddMinutes(-1):O}}"}]""";
        const string Ends = "SELECT ends_at FROM alerts WHERE labels->>'alertname' = 'Resent'";

        Assert.True((await host.PostJsonAsync("api/v2/alerts", body)).IsSuccessStatusCode);
        var firstEnd = await host.ScalarAsync<DateTime>(Ends);
        var events = await host.CountAsync("alert_events");

        time.Advance(TimeSpan.FromSeconds(30));
        Assert.True((await host.PostJsonAsync("api/v2/alerts", body)).IsSuccessStatusCode);
        Assert.Equal(firstEnd, await host.ScalarAsync<DateTime>(Ends));
        Assert.Equal(events, await host.CountAsync("alert_events"));

        // Past the bound the extension is written before the answer.
        time.Advance(TimeSpan.FromSeconds(31));
        Assert.True((await host.PostJsonAsync("api/v2/alerts", body)).IsSuccessStatusCode);
        Assert.Equal(firstEnd.AddSeconds(61), await host.ScalarAsync<DateTime>(Ends), TimeSpan.FromMilliseconds(5));

        // A changed annotation is always written at once.
        Assert.True((await host.PostJsonAsync("api/v2/alerts", body.Replace("\"s\"", "\"t\""))).IsSuccessStatusCode);
        Assert.Equal("t", await host.ScalarAsync<string>("SELECT annotations->>'summary' FROM alerts WHERE labels->>'alertname' = 'Resent'"));
    }

    [Fact]
    public async Task A_write_by_another_instance_clears_what_this_one_remembers()
    {
        var connectionString = await TestDatabase.CreateAsync();
        await using var a = await AlertingTestHost.StartAsync(connectionString: connectionString);
        await using var b = await AlertingTestHost.StartAsync(connectionString: connectionString);
        var cacheA = a.Server.Services.GetRequiredService<StoredAlertCache>();
        await Eventually.EqualAsync(true, () => Task.FromResult(cacheA.Enabled && b.Server.Services.GetRequiredService<StoredAlertCache>().Enabled));
        string Body(string summary) => $$$"""[{"labels":{"alertname":"Shared"},"annotations":{"summary":"{{{summary}}}"}}]""";
        const string Summary = "SELECT annotations->>'summary' FROM alerts WHERE labels->>'alertname' = 'Shared'";

        Assert.True((await a.PostJsonAsync("api/v2/alerts", Body("one"))).IsSuccessStatusCode);
        Assert.True(cacheA.Count > 0);
        Assert.True((await b.PostJsonAsync("api/v2/alerts", Body("two"))).IsSuccessStatusCode);
        await Eventually.EqualAsync(0, () => Task.FromResult(cacheA.Count));

        // Without the notification, A would take this for a re-send of what it stored and keep "two".
        Assert.True((await a.PostJsonAsync("api/v2/alerts", Body("one"))).IsSuccessStatusCode);
        Assert.Equal("one", await a.ScalarAsync<string>(Summary));
    }

    private static StoredAlert Stored(string summary) => new(
        new Alert(LabelSet.From(("alertname", "A")), LabelSet.From(("summary", summary)), Now.AddHours(-1), Now.AddMinutes(5), "", Now, Timeout: true),
        "api");
}
