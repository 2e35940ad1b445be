using Alerting.Configuration;
using Alerting.Grouping;
using Alerting.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Alerting.Flushing;

/// <summary>
/// Issue 19 item 7: a claim the ingestion writer made and offered to the dispatcher, which reached a pass only after half
/// its lease (a busy machine), is not left to its lease: its groups are freed and flushed by that pass.
/// </summary>
public sealed class StaleClaimTests
{
    [Fact]
    public async Task A_claim_offered_too_late_is_freed_and_flushed_at_once_not_after_its_lease()
    {
        using var sink = new WebhookSink();
        // group_wait 1h: the group is made due by the test, not by the alert.
        await using var host = await AlertingTestHost.StartAsync(TestConfig.Webhook(sink.Url(), groupWait: "1h"));
        await host.PostJsonAsync("api/v2/alerts", """[{"labels":{"alertname":"Stale"}}]""");
        await Eventually.EqualAsync(1L, () => host.CountAsync("aggregation_groups"));

        var services = host.Server.Services;
        var owner = GroupRows.WriterClaimOwner(services.GetRequiredService<InstanceInfo>().Name);
        // As the writer would have claimed it 8 s ago: its lease (15 s) runs 7 s more. One transaction, so no pass
        // takes the group between its falling due and its claim.
        var claimedAt = services.GetRequiredService<ScheduleClock>().Now - TimeSpan.FromSeconds(8);
        Claim claim;
        await using (var conn = new NpgsqlConnection(host.ConnectionString))
        {
            await conn.OpenAsync();
            var due = new NpgsqlBatchCommand("UPDATE aggregation_groups SET next_flush_at = $1, lease_owner = NULL, lease_until = NULL");
            due.Parameters.Add(new NpgsqlParameter { Value = (claimedAt - TimeSpan.FromSeconds(1)).UtcDateTime, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
            await using var batch = new NpgsqlBatch(conn) { BatchCommands = { due, GroupRows.ClaimDue(owner, claimedAt) } };
            await using var reader = await batch.ExecuteReaderAsync();
            // The update returns no rows; the claim's come next.
            while (reader.FieldCount == 0 && await reader.NextResultAsync())
            {
            }
            claim = await GroupRows.ReadClaimAsync(reader, claimedAt, CancellationToken.None);
        }
        Assert.Single(claim.Groups);

        var offered = System.Diagnostics.Stopwatch.StartNew();
        services.GetRequiredService<Dispatcher>().Offer(claim, [], claimedAt);
        await sink.WaitForAsync(1, TimeSpan.FromSeconds(20));
        // Left to its lease it came 7 s or more after the offer.
        Assert.True(offered.Elapsed < TimeSpan.FromSeconds(5), $"sent {offered.Elapsed.TotalSeconds:0.0} s after the offer");
        Assert.Single(sink.Delivered());
    }
}
