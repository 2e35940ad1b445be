using Alerting.Infrastructure;
using Npgsql;

namespace Alerting.Persistence.Embedded;

/// <summary>The shared test fixture; by default it runs on <see cref="EmbeddedPostgres"/>.</summary>
public sealed class TestDatabaseTests
{
    [Fact]
    public async Task CreateAsync_GivesEachCallerAFreshEmptyDatabase()
    {
        var first = await TestDatabase.CreateAsync();
        var second = await TestDatabase.CreateAsync();

        Assert.NotEqual(Database(first), Database(second));
        await Sql.ExecuteAsync(first, "CREATE TABLE only_in_first (id int)");

        Assert.Equal(0L, await CountTablesAsync(second));
        Assert.Equal(1L, await CountTablesAsync(first));
    }

    [Fact]
    public async Task WithoutUrlOrDocker_FallsBackToEmbeddedPostgres()
    {
        if (Environment.GetEnvironmentVariable(TestDatabase.UrlVariable) is { Length: > 0 }
            || Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 }
            || File.Exists("/var/run/docker.sock"))
        {
            return; // Another source wins on this machine.
        }

        Assert.StartsWith("embedded PostgreSQL in ", await TestDatabase.DescribeServerAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAsync_ManyAtOnce_AllSucceed()
    {
        var connectionStrings = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => TestDatabase.CreateAsync()));

        Assert.Equal(8, connectionStrings.Select(Database).Distinct().Count());
    }

    private static string? Database(string connectionString) => new NpgsqlConnectionStringBuilder(connectionString).Database;

    private static async Task<long> CountTablesAsync(string connectionString) =>
        long.Parse(
            (await Sql.QueryAsync(connectionString, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"))!,
            System.Globalization.CultureInfo.InvariantCulture);
}
