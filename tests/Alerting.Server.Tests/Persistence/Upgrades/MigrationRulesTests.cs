using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;

namespace Alerting.Persistence.Upgrades;

/// <summary>
/// The rules of docs/operations.md ("Upgrades"), read off every migration's operations, so that a new migration that
/// breaks one fails here until it is either rewritten or listed below with its reason (and the docs updated):
/// <list type="number">
/// <item>Expand only: the release before a migration keeps working on the schema after it (no drops, renames, type or key
/// changes, no new NOT NULL column without a default), so the two may run side by side during a rolling upgrade.</item>
/// <item>Nothing that rewrites or scans <c>alerts</c> under a lock that blocks writers: no column type change, no
/// default computed per row, no index built without CONCURRENTLY, no constraint added, no hand-written SQL on it.</item>
/// </list>
/// <see cref="MigrationLockTests"/> measures rule 2 on 100k alerts; this catches what 100k rows would not show.
/// </summary>
public sealed class MigrationRulesTests
{
    /// <summary>Migrations the release before them cannot run beside: stop every old instance before the first new one starts.</summary>
    internal static readonly Dictionary<string, string> StopTheWorld = new(StringComparer.Ordinal)
    {
        ["20261126062918_GroupsPerRoute"] =
            "re-keys aggregation_groups and group_members by (group_key, route_id): the previous release's INSERT … ON CONFLICT (group_key) fails on the new key",
        ["20261207181500_HomeMembership"] =
            "keeps a new alert's first membership on its alerts row: the previous release reads group_members only, so it would flush groups without those alerts and delete such groups as empty",
    };

    /// <summary>Hand-written SQL read and found to keep both rules (or listed in <see cref="StopTheWorld"/>).</summary>
    private static readonly Dictionary<string, string> ReviewedSql = new(StringComparer.Ordinal)
    {
        ["20261126062918_GroupsPerRoute"] = "backfills group_members.route_id from aggregation_groups; touches no alert row",
        ["20261206145517_Insights"] = "creates the insights' rollup tables and their indexes; touches no existing table",
        ["20261206161800_InsightsHours"] = "creates the insights' hourly rollup tables and their indexes; touches no existing table",
    };

    [Fact]
    public void Every_migration_expands_only_or_is_listed_and_none_locks_alerts_for_long()
    {
        var problems = new List<string>();
        foreach (var (id, operations) in Migrations())
        {
            foreach (var operation in operations)
            {
                if (Contracts(operation) is { } contraction && !StopTheWorld.ContainsKey(id))
                {
                    problems.Add($"{id}: {contraction}: the previous release may fail on the new schema; make it two releases (expand, then contract) or list it in StopTheWorld and docs/operations.md");
                }
                if (operation is SqlOperation && !ReviewedSql.ContainsKey(id))
                {
                    problems.Add($"{id}: hand-written SQL: read it for both rules and list it in ReviewedSql");
                }
                if (LocksAlerts(operation) is { } locking)
                {
                    problems.Add($"{id}: {locking} on alerts blocks its writers for as long as the table takes to rewrite or scan");
                }
            }
        }
        Assert.Empty(problems);
        Assert.All(StopTheWorld.Keys.Concat(ReviewedSql.Keys), id => Assert.Contains(id, Migrations().Select(m => m.Id)));
    }

    [Fact]
    public void The_rules_catch_what_they_are_for()
    {
        Assert.NotNull(Contracts(new DropColumnOperation { Name = "x", Table = "silences" }));
        Assert.NotNull(Contracts(new AddColumnOperation { Name = "x", Table = "silences", ClrType = typeof(string), IsNullable = false }));
        Assert.Null(Contracts(new AddColumnOperation { Name = "x", Table = "silences", ClrType = typeof(string), IsNullable = false, DefaultValue = "" }));
        Assert.NotNull(LocksAlerts(new CreateIndexOperation { Name = "ix", Table = "alerts", Columns = ["state"] }));
        var concurrent = new CreateIndexOperation { Name = "ix", Table = "alerts", Columns = ["state"] };
        concurrent.AddAnnotation("Npgsql:CreatedConcurrently", true);
        Assert.Null(LocksAlerts(concurrent));
        Assert.NotNull(LocksAlerts(new AddColumnOperation { Name = "x", Table = "alerts", ClrType = typeof(Guid), DefaultValueSql = "gen_random_uuid()" }));
        Assert.Null(LocksAlerts(new AddColumnOperation { Name = "x", Table = "alerts", ClrType = typeof(string), IsNullable = false, DefaultValue = "pending" }));
        Assert.NotNull(LocksAlerts(new SqlOperation { Sql = "UPDATE alerts SET state = 'firing'" }));
        Assert.Null(LocksAlerts(new SqlOperation { Sql = "UPDATE alert_events SET detail = ''" }));
    }

    private static IEnumerable<(string Id, IReadOnlyList<MigrationOperation> Operations)> Migrations()
    {
        using var context = new AlertingDbContext(new DbContextOptionsBuilder<AlertingDbContext>().UseNpgsql("Host=unused").Options);
        var assembly = context.GetService<IMigrationsAssembly>();
        var provider = context.Database.ProviderName!;
        return [.. assembly.Migrations.OrderBy(m => m.Key, StringComparer.Ordinal)
            .Select(m => (m.Key, assembly.CreateMigration(m.Value, provider).UpOperations))];
    }

    /// <summary>What in the operation the previous release may not survive, or null.</summary>
    internal static string? Contracts(MigrationOperation operation) => operation switch
    {
        DropTableOperation o => $"drops table {o.Name}",
        DropColumnOperation o => $"drops column {o.Table}.{o.Name}",
        RenameTableOperation o => $"renames table {o.Name}",
        RenameColumnOperation o => $"renames column {o.Table}.{o.Name}",
        AlterColumnOperation o => $"alters column {o.Table}.{o.Name}",
        DropPrimaryKeyOperation o => $"drops the primary key of {o.Table}",
        AddPrimaryKeyOperation o => $"changes the primary key of {o.Table}",
        DropUniqueConstraintOperation o => $"drops unique constraint {o.Name}",
        AddUniqueConstraintOperation o => $"adds unique constraint {o.Name}",
        DropIndexOperation o => $"drops index {o.Name}",
        AddColumnOperation { IsNullable: false, DefaultValue: null, DefaultValueSql: null, ComputedColumnSql: null } o =>
            $"adds NOT NULL column {o.Table}.{o.Name} without a default (the previous release's inserts fail)",
        _ => null,
    };

    /// <summary>What in the operation holds a write-blocking lock on alerts for a time that grows with the table, or null.</summary>
    internal static string? LocksAlerts(MigrationOperation operation) => operation switch
    {
        AlterColumnOperation { Table: "alerts" } o => $"altering column {o.Name}",
        AddColumnOperation { Table: "alerts", DefaultValueSql: not null } o => $"column {o.Name} with a default computed by SQL (a volatile one rewrites the table)",
        AddColumnOperation { Table: "alerts", ComputedColumnSql: not null } o => $"stored generated column {o.Name}",
        CreateIndexOperation { Table: "alerts" } o when o["Npgsql:CreatedConcurrently"] is not true => $"index {o.Name} built without CONCURRENTLY",
        AddPrimaryKeyOperation { Table: "alerts" } => "a new primary key",
        AddUniqueConstraintOperation { Table: "alerts" } o => $"unique constraint {o.Name}",
        AddCheckConstraintOperation { Table: "alerts" } o => $"check constraint {o.Name} (validated under ACCESS EXCLUSIVE)",
        SqlOperation o when Regex.IsMatch(o.Sql, @"\balerts\b", RegexOptions.IgnoreCase) => "hand-written SQL naming alerts",
        _ => null,
    };
}
