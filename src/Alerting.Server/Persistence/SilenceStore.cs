using System.Data;
using Alerting.Core.Matching;
using Alerting.Core.Silences;
using Microsoft.EntityFrameworkCore;

namespace Alerting.Persistence;

/// <summary>Silences in PostgreSQL, with Alertmanager's create/update/expire rules.</summary>
internal sealed class SilenceStore(IDbContextFactory<AlertingDbContext> contexts, Npgsql.NpgsqlDataSource db, TimeProvider time)
{
    public async Task<List<Silence>> ListAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await db.Silences.AsNoTracking().ToListAsync(ct);
        return [.. rows.Select(ToSilence)];
    }

    /// <summary>Silences not yet expired at <paramref name="now"/>: the ones that can mute an alert now or later.</summary>
    /// <remarks>
    /// Read on every flush and every delivery, so without EF Core: its query pipeline cost more CPU than the query.
    /// </remarks>
    public async Task<List<Silence>> ActiveOrPendingAsync(DateTimeOffset now, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(ActiveOrPendingSql);
        cmd.Parameters.Add(ActiveOrPendingParameter(now));
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await ReadActiveOrPendingAsync(reader, ct);
    }

    /// <summary>The query of <see cref="ActiveOrPendingAsync"/>, for callers that send it in a batch with others.</summary>
    public const string ActiveOrPendingSql = "SELECT id, matchers, starts_at, ends_at, updated_at, created_by, comment FROM silences WHERE ends_at > $1";

    public static Npgsql.NpgsqlParameter ActiveOrPendingParameter(DateTimeOffset now) =>
        new() { Value = now.UtcDateTime, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz };

    /// <summary>
    /// For a flush's batch: the first time each of these silences held an alert back (insights' "matched nothing"). Written
    /// once per silence: later passes find it set and change nothing.
    /// </summary>
    public static Npgsql.NpgsqlBatchCommand MarkFirstMuted(IReadOnlyCollection<Guid> ids, DateTimeOffset now)
    {
        var cmd = new Npgsql.NpgsqlBatchCommand("UPDATE silences SET first_muted_at = $2 WHERE id = ANY($1) AND first_muted_at IS NULL");
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = ids.ToArray(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Uuid });
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = now.UtcDateTime, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        return cmd;
    }

    public static async Task<List<Silence>> ReadActiveOrPendingAsync(System.Data.Common.DbDataReader reader, CancellationToken ct)
    {
        var result = new List<Silence>();
        while (await reader.ReadAsync(ct))
        {
            result.Add(ToSilence(new SilenceRow
            {
                Id = reader.GetGuid(0),
                Matchers = reader.GetString(1),
                StartsAt = reader.GetFieldValue<DateTimeOffset>(2),
                EndsAt = reader.GetFieldValue<DateTimeOffset>(3),
                UpdatedAt = reader.GetFieldValue<DateTimeOffset>(4),
                CreatedBy = reader.GetString(5),
                Comment = reader.GetString(6),
            }));
        }
        return result;
    }

    public async Task<Silence?> GetAsync(Guid id, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = await db.Silences.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, ct);
        return row is null ? null : ToSilence(row);
    }

    /// <summary>
    /// Creates a silence, or updates one by id: in place when Alertmanager's canUpdate allows it,
    /// otherwise by expiring the old one and creating a new one. Returns the id that now holds it.
    /// </summary>
    public async Task<SetResult> SetAsync(Guid? id, Matchers matchers, DateTimeOffset startsAt, DateTimeOffset endsAt, string createdBy, string comment, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
        var now = Millis(time.GetUtcNow());

        if (id is { } existingId)
        {
            // Lock the row so that two concurrent updates of one silence cannot both expire-and-replace it.
            var row = await db.Silences.FromSql($"SELECT * FROM silences WHERE id = {existingId} FOR UPDATE").SingleOrDefaultAsync(ct);
            if (row is null)
            {
                return new SetResult(null, $"silence {existingId} not found");
            }
            var previous = ToSilence(row);
            if (Silence.CanUpdate(previous, matchers, startsAt, endsAt, now))
            {
                Apply(row, matchers, startsAt, endsAt, now, createdBy, comment);
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
                return new SetResult(existingId, null);
            }
            if (previous.State(now) != SilenceState.Expired)
            {
                var expired = previous.Expire(now);
                row.StartsAt = expired.StartsAt;
                row.EndsAt = expired.EndsAt;
                row.UpdatedAt = now;
            }
        }

        var created = new SilenceRow
        {
            Id = Guid.NewGuid(),
            Matchers = "",
            CreatedBy = "",
            Comment = "",
        };
        // Alertmanager moves a start in the past to now: a silence never covers time before it existed.
        Apply(created, matchers, startsAt < now ? now : startsAt, endsAt, now, createdBy, comment);
        db.Silences.Add(created);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new SetResult(created.Id, null);
    }

    /// <summary>Expires a silence. Returns false for an unknown id; expiring an expired silence changes nothing.</summary>
    public async Task<bool> ExpireAsync(Guid id, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = await db.Silences.SingleOrDefaultAsync(s => s.Id == id, ct);
        if (row is null)
        {
            return false;
        }
        var now = Millis(time.GetUtcNow());
        var expired = ToSilence(row).Expire(now);
        if (expired.EndsAt != row.EndsAt || expired.StartsAt != row.StartsAt)
        {
            row.StartsAt = expired.StartsAt;
            row.EndsAt = expired.EndsAt;
            row.UpdatedAt = now;
            await db.SaveChangesAsync(ct);
        }
        return true;
    }

    public async Task<int> CountAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Silences.CountAsync(ct);
    }

    private static void Apply(SilenceRow row, Matchers matchers, DateTimeOffset startsAt, DateTimeOffset endsAt, DateTimeOffset now, string createdBy, string comment)
    {
        row.Matchers = LabelJson.WriteMatchers(matchers);
        row.StartsAt = Millis(startsAt);
        row.EndsAt = Millis(endsAt);
        row.UpdatedAt = Millis(now);
        row.CreatedBy = createdBy;
        row.Comment = comment;
    }

    /// <summary>
    /// The API shows milliseconds; storing more would make a silence read and posted back by a client
    /// (amtool's update) differ in its start time, and Alertmanager's rules would then replace it.
    /// </summary>
    private static DateTimeOffset Millis(DateTimeOffset t) => new(t.UtcTicks - (t.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);

    private static Silence ToSilence(SilenceRow row) =>
        new(row.Id, LabelJson.ReadMatchers(row.Matchers), row.StartsAt, row.EndsAt, row.UpdatedAt, row.CreatedBy, row.Comment);

    internal sealed record SetResult(Guid? Id, string? NotFound);
}
