using Alerting.Infrastructure;
using Npgsql;

namespace Alerting.Persistence;

/// <summary>What every pool's sessions run with, read back from the server.</summary>
public sealed class DatabaseConnectionsTests
{
    [Fact]
    public async Task Every_pool_runs_without_jit_and_keeps_the_options_the_database_url_gave()
    {
        var url = new NpgsqlConnectionStringBuilder(await TestDatabase.CreateAsync()) { Options = "-c statement_timeout=4321" }.ConnectionString;
        await using var plain = new NpgsqlDataSourceBuilder(DatabaseConnections.Pooled(url)).Build();
        await using var relaxed = RelaxedDb.Create(url);
        await using var writer = GenericPlanDb.Create(url);

        List<string> seen = [];
        foreach (var (name, pool) in new[] { ("default", plain), ("relaxed", relaxed.Source), ("relaxed generic", relaxed.GenericPlans), ("writer", writer.Source) })
        {
            seen.Add($"{name}: jit {await Show(pool, "jit")}, statement_timeout {await Show(pool, "statement_timeout")}");
        }
        Assert.Equal(
            ["default: jit off, statement_timeout 4321ms", "relaxed: jit off, statement_timeout 4321ms",
             "relaxed generic: jit off, statement_timeout 4321ms", "writer: jit off, statement_timeout 4321ms"], seen);
        Assert.Equal("off", await Show(relaxed.Source, "synchronous_commit"));
        Assert.Equal("force_generic_plan", await Show(writer.Source, "plan_cache_mode"));
    }

    [Fact]
    public async Task A_database_url_that_turns_jit_on_has_it()
    {
        var url = new NpgsqlConnectionStringBuilder(await TestDatabase.CreateAsync()) { Options = "-c jit=on" }.ConnectionString;
        await using var plain = new NpgsqlDataSourceBuilder(DatabaseConnections.Pooled(url)).Build();
        await using var writer = GenericPlanDb.Create(url);
        Assert.Equal("on", await Show(plain, "jit"));
        Assert.Equal("on", await Show(writer.Source, "jit"));
    }

    private static async Task<string> Show(NpgsqlDataSource pool, string setting)
    {
        await using var cmd = pool.CreateCommand($"SHOW {setting}");
        return (string)(await cmd.ExecuteScalarAsync())!;
    }
}
