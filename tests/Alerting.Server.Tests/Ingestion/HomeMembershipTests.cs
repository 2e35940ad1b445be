using System.Net;
using Alerting.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Alerting.Ingestion;

/// <summary>
/// A new alert's first group is kept on its alerts row (its home, Persistence/Memberships.cs). The ingestion statement
/// decides whether an alert joining a group is at home already from the row as it writes it, not as its snapshot read
/// it: a flush that took the alert out of its home meanwhile must not leave it in no group.
/// </summary>
public sealed class HomeMembershipTests
{
    private const string Config = """
        route:
          receiver: default
          group_by: [alertname]
          group_wait: 1h
        receivers:
          - name: default
        """;

    [Fact]
    public async Task An_alert_firing_again_while_a_flush_takes_it_out_of_its_home_is_in_its_group()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await AlertingTestHost.StartAsync(Config, time: time);
        var start = time.GetUtcNow().AddMinutes(-5);
        string Body(DateTimeOffset end) => $$"""[{"labels":{"alertname":"Race"},"startsAt":"{{start:O}}","endsAt":"{{end:O}}"}]""";
        Assert.Equal(HttpStatusCode.OK, (await host.PostJsonAsync("api/v2/alerts", Body(time.GetUtcNow().AddSeconds(-1)))).StatusCode);
        Assert.Equal(1L, await host.ScalarAsync<long>("SELECT count(*) FROM alerts WHERE home_group_key IS NOT NULL"));
        Assert.Equal(0L, await host.CountAsync("group_members"));

        // A flush that told the resolution takes the alert out of its home; its transaction is open when it fires again.
        await using var flush = new NpgsqlConnection(host.ConnectionString);
        await flush.OpenAsync();
        await using var tx = await flush.BeginTransactionAsync();
        await using (var leave = new NpgsqlCommand("UPDATE alerts SET home_group_key = NULL, home_route_id = NULL, home_added_at = NULL", flush, tx))
        {
            Assert.Equal(1, await leave.ExecuteNonQueryAsync());
        }
        var firing = host.PostJsonAsync("api/v2/alerts", Body(time.GetUtcNow().AddHours(1)));
        // The ingestion statement has read the row (at home) and waits for the flush's lock on it.
        await Eventually.EqualAsync(1L, () => host.ScalarAsync<long>(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'WITH i AS%'"));
        await tx.CommitAsync();

        Assert.Equal(HttpStatusCode.OK, (await firing).StatusCode);
        Assert.Equal(1L, await host.CountMembershipsAsync());
        Assert.Equal(1L, await host.CountAsync("group_members"));
    }
}
