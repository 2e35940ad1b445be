using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;
using Polly;
using Polly.Retry;

namespace Alerting.Persistence;

/// <summary>
/// Applies EF Core migrations, waiting up to a minute for a database that is still starting (Polly: a try every 2 s
/// while PostgreSQL answers with a transient error). Instances started together on a fresh database take turns (an
/// advisory lock): EF Core's migrator does not guard against that.
/// </summary>
internal static class SchemaMigrator
{
    /// <summary>Any constant both instances agree on: the advisory lock that lets one instance migrate at a time.</summary>
    private const long MigrationLock = 0x616c_6572_7469_6e67; // "alerting"

    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(1);

    /// <summary>The migrations this build knows, read from their attributes (EF's migrator builds its whole model to list them).</summary>
    internal static readonly IReadOnlyList<string> KnownMigrations = [.. typeof(AlertingDbContext).Assembly.GetTypes()
        .Where(t => t.GetCustomAttribute<DbContextAttribute>()?.ContextType == typeof(AlertingDbContext))
        .Select(t => t.GetCustomAttribute<MigrationAttribute>()?.Id)
        .OfType<string>()
        .Order(StringComparer.Ordinal)];

    /// <returns>False when the schema was already up to date (nothing written), true when EF Core's migrator ran.</returns>
    public static async Task<bool> MigrateAsync(IServiceProvider services, ILogger log, CancellationToken ct)
    {
        var factory = services.GetRequiredService<IDbContextFactory<AlertingDbContext>>();
        var source = services.GetRequiredService<NpgsqlDataSource>();
        if (await IsUpToDateAsync(source, ct))
        {
            // The usual start: nothing to apply, so EF Core (its model, migrator and their memory) is not loaded at all.
            return false;
        }

        // Patience on the monotonic clock: a step of the wall clock neither ends nor stretches it. A migration under
        // way is never cut off; only the tries after the patience ran out are not made.
        var started = TimeProvider.System.GetTimestamp();
        var retry = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is NpgsqlException { IsTransient: true } && TimeProvider.System.GetElapsedTime(started) < Patience),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Constant,
                Delay = TimeSpan.FromSeconds(2),
                UseJitter = false,
                OnRetry = args =>
                {
                    log.LogWarning("Database not reachable yet ({Error}); retrying", args.Outcome.Exception?.Message);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
        await retry.ExecuteAsync(async token => await MigrateOnceAsync(factory, source, token), ct);
        return true;
    }

    /// <summary>
    /// True when every migration of this build is in the history table: one query, no lock (a read that races a
    /// migration under way sees it missing and takes the locked path below).
    /// </summary>
    internal static async Task<bool> IsUpToDateAsync(NpgsqlDataSource source, CancellationToken ct)
    {
        try
        {
            await using var cmd = source.CreateCommand("SELECT \"MigrationId\" FROM \"__EFMigrationsHistory\"");
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            var applied = new HashSet<string>(StringComparer.Ordinal);
            while (await reader.ReadAsync(ct))
            {
                applied.Add(reader.GetString(0));
            }
            return KnownMigrations.All(applied.Contains);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return false;
        }
        catch (NpgsqlException e) when (e.IsTransient)
        {
            return false; // the locked path waits for the database
        }
    }

    private static async Task MigrateOnceAsync(IDbContextFactory<AlertingDbContext> factory, NpgsqlDataSource source, CancellationToken ct)
    {
        // Held by this session until it closes, so a crash mid-migration releases it too.
        await using var lockConnection = await source.OpenConnectionAsync(ct);
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_lock($1)", lockConnection))
        {
            take.Parameters.Add(new NpgsqlParameter { Value = MigrationLock });
            await take.ExecuteNonQueryAsync(ct);
        }
        await using var db = await factory.CreateDbContextAsync(ct);
        // EF's migrator first reads the history table and logs that read's failure on a fresh database as
        // an error; created beforehand (with EF's own script), there is no failure to log.
        await db.Database.ExecuteSqlRawAsync(db.GetService<IHistoryRepository>().GetCreateIfNotExistsScript(), ct);
        await db.Database.MigrateAsync(ct);
        await using var release = new NpgsqlCommand("SELECT pg_advisory_unlock($1)", lockConnection);
        release.Parameters.Add(new NpgsqlParameter { Value = MigrationLock });
        await release.ExecuteNonQueryAsync(ct);
    }
}
