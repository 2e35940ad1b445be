using Alerting.Configuration;
using Alerting.Grouping;
using Alerting.Persistence;
using Npgsql;

namespace Alerting.Flushing;

/// <summary>The dispatcher's statements on the group schedule: claims of due groups, their release, the next due time.</summary>
internal sealed class DueGroups(NpgsqlDataSource db, RelaxedDb relaxed, InstanceInfo instance)
{
    /// <summary>Claims up to a batch of due groups, with their members and log (<see cref="GroupRows.ClaimDue"/>).</summary>
    public async Task<Claim> ClaimAsync(DateTimeOffset now, CancellationToken ct)
    {
        // A claim lost in a database crash only lets the group be claimed again. Not the forced-generic pool: it
        // made the former member read a 6.3 ms scan. PostgreSQL still settles on a generic plan here after a few
        // calls, but the lateral reads depend on the claimed rows, not on parameters, so they stay index lookups.
        await using var conn = await relaxed.Source.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(conn) { BatchCommands = { GroupRows.ClaimDue(instance.Name, now) } };
        await using var reader = await batch.ExecuteReaderAsync(ct);
        return await GroupRows.ReadClaimAsync(reader, now, ct);
    }

    /// <summary>Frees the groups of an ingestion writer's claim that waited too long for a pass (see <see cref="GroupRows.ReleaseStale"/>).</summary>
    public async Task<int> ReleaseStaleAsync(Claim claim, DateTimeOffset claimedAt, CancellationToken ct)
    {
        await using var cmd = GroupRows.ReleaseStale(db, claim.Groups, GroupRows.WriterClaimOwner(instance.Name), claimedAt);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Frees the groups still claimed by this instance's passes; returns how many.</summary>
    public async Task<int> ReleaseClaimsAsync(CancellationToken ct)
    {
        await using var cmd = GroupRows.ReleaseClaims(db, instance.Name);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Moves every group's schedule by a step of the clock; returns how many groups moved.</summary>
    public async Task<int> MoveScheduleAsync(TimeSpan step, CancellationToken ct)
    {
        await using var cmd = GroupRows.MoveSchedule(db, step);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The earliest next flush of any group, on the schedule's clock; null with no groups.</summary>
    public async Task<DateTimeOffset?> NextDueAsync(CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT min(next_flush_at) FROM aggregation_groups");
        return await cmd.ExecuteScalarAsync(ct) is DateTime due ? new DateTimeOffset(due, TimeSpan.Zero) : null;
    }
}
