using System.Globalization;
using Alerting.Faults;
using Alerting.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Xunit.Abstractions;

namespace Alerting.Persistence.Upgrades;

/// <summary>
/// The rule for every migration, this one and those to come: on a database with 100k alerts, no migration holds a lock
/// on <c>alerts</c> that blocks writers (ACCESS EXCLUSIVE, or SHARE as a plain CREATE INDEX takes) for a second or more.
/// Each migration after the first is applied on its own while a <see cref="LockWatch"/> looks on; a new migration is
/// measured here without anyone adding it; a hold counts for as long as it can have lasted between the watch's polls.
/// The last step holds the table on purpose, to show the watch sees a long hold and the rule would fail on it.
/// </summary>
[Collection(FaultsCollection.Name)]
public sealed class MigrationLockTests(ITestOutputHelper output)
{
    private const int Alerts = 100_000;

    [Fact]
    public async Task No_migration_holds_alerts_for_a_second_on_a_populated_database()
    {
        var db = await TestDatabase.CreateAsync();
        await using var context = new AlertingDbContext(new DbContextOptionsBuilder<AlertingDbContext>().UseNpgsql(db).Options);
        context.Database.SetCommandTimeout(TimeSpan.FromMinutes(5));
        var migrator = context.GetService<IMigrator>();
        string[] migrations = [.. context.GetService<IMigrationsAssembly>().Migrations.Keys.Order(StringComparer.Ordinal)];
        await migrator.MigrateAsync(migrations[0]);
        // The first schema's alert columns, which later migrations may add to but never take away.
        await Sql.ExecuteAsync(db, $"""
            INSERT INTO alerts (fingerprint, labels, annotations, starts_at, ends_at, generator_url, updated_at, timeout, source)
            SELECT n, jsonb_build_object('alertname', 'Load' || n, 'grp', 'g' || (n / 100)), jsonb_build_object('summary', 'load'),
                   now() - interval '1 hour', now() + interval '1 hour', 'http://prometheus/graph', now(), false, 'api'
            FROM generate_series(1, {Alerts}) n;
            ANALYZE alerts;
            """);

        var lines = new List<string>();
        var worst = (Migration: "", Locks: new TableLocks(new Hold(TimeSpan.Zero, TimeSpan.Zero), new Hold(TimeSpan.Zero, TimeSpan.Zero), 0));
        foreach (var migration in migrations.Skip(1))
        {
            var watch = await LockWatch.StartAsync(db, "alerts");
            var started = DateTime.UtcNow;
            await migrator.MigrateAsync(migration);
            var took = DateTime.UtcNow - started;
            var locks = await watch.StopAsync();
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{migration} {took.TotalMilliseconds:0} ms, {locks.Describe()}"));
            if (locks.Alerts.WriteBlocking.AtMost >= worst.Locks.WriteBlocking.AtMost)
            {
                worst = (migration, locks.Alerts);
            }
        }

        // The control: a hold of 1.2 s that the watch must see, and bound at 1.2 s or more (else it could not fail the rule above).
        var control = await LockWatch.StartAsync(db, "alerts");
        await Sql.ExecuteAsync(db, "BEGIN; LOCK TABLE alerts IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(1.2); COMMIT;");
        var controlLocks = await control.StopAsync();

        foreach (var line in lines)
        {
            output.WriteLine(line);
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[  0.00s] migration-locks: {migrations.Length - 1} migrations after {migrations[0]} on {Alerts} alerts; longest write-blocking hold on alerts "
            + $"{worst.Locks.WriteBlocking} ({worst.Migration}), ACCESS EXCLUSIVE {worst.Locks.AccessExclusive}; "
            + $"control hold of 1200 ms measured as {controlLocks.Alerts.AccessExclusive} (polls' longest gap {controlLocks.LongestGap.TotalMilliseconds:0} ms)"));

        Assert.True(worst.Locks.WriteBlocking.AtMost < TimeSpan.FromSeconds(1), $"{worst.Migration} blocked writes to alerts for up to {worst.Locks.WriteBlocking}");
        Assert.Equal(1, controlLocks.Alerts.WriteBlockingHolds);
        Assert.InRange(controlLocks.Alerts.AccessExclusive.AtMost, TimeSpan.FromSeconds(1.2), TimeSpan.FromSeconds(1.2) + 2 * controlLocks.LongestGap + TimeSpan.FromSeconds(1));
    }
}
