using System.Net;
using Alerting.Infrastructure;
using Npgsql;

namespace Alerting.Delivery;

public sealed class DeliveryTests
{
    /// <summary>
    /// A CI run left 9 rows leased to an instance that had stopped: their hand-offs were reading the link-signing key,
    /// a fresh instance's first database read on the send path, when shutdown cancelled the read. Here that read is
    /// held by a lock until the instance has stopped; the rows must go back to the outbox unsent, not wait out a lease.
    /// </summary>
    [Fact]
    public async Task Rows_whose_send_shutdown_cut_off_before_it_began_go_back_to_the_outbox()
    {
        await using var receiver = await FaultyReceiver.StartAsync();
        var host = await AlertingTestHost.StartAsync($$"""
            route:
              receiver: hook
              group_by: [alertname]
              group_wait: 0s
            receivers:
              - name: hook
                webhook_configs:
                  - url: {{receiver.Url("/hook")}}
            """);
        var stopped = false;
        try
        {
            await using var blocker = new NpgsqlConnection(host.ConnectionString);
            await blocker.OpenAsync();
            await using var tx = await blocker.BeginTransactionAsync();
            await using (var lockSettings = new NpgsqlCommand("LOCK TABLE settings IN ACCESS EXCLUSIVE MODE", blocker, tx))
            {
                await lockSettings.ExecuteNonQueryAsync();
            }

            var response = await host.PostJsonAsync("api/v2/alerts",
                """[{"labels":{"alertname":"A"}},{"labels":{"alertname":"B"}},{"labels":{"alertname":"C"}}]""");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            // The flush is committed with the POST, or just after it when the request's alerts fell to both writers
            // (the held group is flushed once both commit); its rows are claimed for this instance and their sends
            // wait on the lock.
            await Eventually.EqualAsync(3L, () => host.ScalarAsync<long>("SELECT count(*) FROM outbox WHERE lease_owner IS NOT NULL"), TimeSpan.FromSeconds(10));
            var deadline = Deadline.In(TimeSpan.FromSeconds(10));
            while (await host.ScalarAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%INSERT INTO settings%'") == 0)
            {
                Assert.True(!deadline.Passed, "the sends never reached the signing key");
                await Task.Delay(20);
            }

            var stopping = host.DisposeAsync().AsTask();
            stopped = true;
            Assert.True(await Task.WhenAny(stopping, Task.Delay(TimeSpan.FromSeconds(20))) == stopping, "the instance did not stop");
            await stopping;
            await tx.RollbackAsync();
        }
        finally
        {
            if (!stopped)
            {
                await host.DisposeAsync();
            }
        }

        Assert.Empty(receiver.Arrivals);
        await using var conn = new NpgsqlConnection(host.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT count(*), count(*) FILTER (WHERE lease_owner IS NOT NULL AND lease_until > now()) FROM outbox", conn);
        await using var reader = await cmd.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(3L, reader.GetInt64(0));
        Assert.Equal(0L, reader.GetInt64(1));
    }
}
