using System.Diagnostics;
using System.Runtime.Versioning;
using Alerting.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Xunit.Abstractions;

namespace Alerting.Persistence.Embedded;

/// <summary>Starts real clusters; each test owns its storage path.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class EmbeddedPostgresTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly TestOutputLogger _logger = new(output);
    private readonly TempDirectory _storage = new("alerting-pg-");
    private readonly List<EmbeddedPostgres> _started = [];

    private EmbeddedPostgresPaths Paths => new(_storage.Path);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var postgres in Enumerable.Reverse(_started))
        {
            await postgres.DisposeAsync();
        }

        // Tests that kill or abandon a server leave one behind.
        await EmbeddedPostgres.StopLeftoverAsync(_storage.Path, _logger, CancellationToken.None);
        _storage.Dispose();
    }

    [Fact]
    public async Task FirstStart_InitialisesClusterAndAnswersQueries()
    {
        var postgres = await StartAsync();

        Assert.True(File.Exists(Paths.VersionFile));
        var connection = new NpgsqlConnectionStringBuilder(postgres.ConnectionString);
        Assert.Equal("127.0.0.1", connection.Host);
        Assert.Equal(postgres.Port, connection.Port);
        Assert.Equal("alerting", connection.Username);
        Assert.Equal("alerting", connection.Database);
        Assert.Equal(File.ReadAllText(Paths.PasswordFile).Trim(), connection.Password);

        var row = await QueryAsync(
            postgres.ConnectionString,
            "SELECT current_user || ' ' || current_database() || ' ' || host(inet_server_addr()) || ' ' || inet_server_port()");
        Assert.Equal($"alerting alerting 127.0.0.1 {postgres.Port}", row);
    }

    [Fact]
    public async Task Server_RequiresThePassword()
    {
        var postgres = await StartAsync();
        var wrong = new NpgsqlConnectionStringBuilder(postgres.ConnectionString) { Password = "wrong", Pooling = false };

        var error = await Assert.ThrowsAsync<PostgresException>(() => QueryAsync(wrong.ConnectionString, "SELECT 1"));
        Assert.Equal("28P01", error.SqlState);
    }

    [Fact]
    public async Task PasswordFile_IsReadableByItsOwnerOnly()
    {
        await StartAsync();

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Paths.PasswordFile));
        if (Environment.IsPrivilegedProcess)
        {
            var owner = await ProcessRunner.RunAsync("stat", ["-c", "%U", Paths.PasswordFile], TimeSpan.FromSeconds(10), default);
            Assert.Equal("root", owner.StandardOutput.Trim());
            var asPostgres = await ProcessRunner.RunAsync(
                "runuser", ["-u", "postgres", "--", "cat", Paths.PasswordFile], TimeSpan.FromSeconds(10), default);
            Assert.False(asPostgres.Succeeded, "the postgres user could read the password file");
        }
    }

    [Fact]
    public async Task CreateDatabaseAsync_ReturnsAConnectionStringForTheNewDatabase()
    {
        var postgres = await StartAsync();

        var connectionString = await postgres.CreateDatabaseAsync("second_db");

        Assert.Equal("second_db", await QueryAsync(connectionString, "SELECT current_database()"));
        await Assert.ThrowsAsync<ArgumentException>(() => postgres.CreateDatabaseAsync("bad\"name"));
    }

    [Fact]
    public async Task SecondStart_AfterStop_ReusesTheCluster()
    {
        var first = await StartAsync();
        await ExecuteAsync(first.ConnectionString, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')");
        var password = File.ReadAllText(Paths.PasswordFile);

        await first.StopAsync();

        Assert.False(File.Exists(Paths.PidFile));
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => QueryAsync(first.ConnectionString, "SELECT 1"));

        var second = await StartAsync();

        Assert.Equal("still here", await QueryAsync(second.ConnectionString, "SELECT v FROM kept"));
        Assert.Equal(password, File.ReadAllText(Paths.PasswordFile));
    }

    [Fact]
    public async Task Start_AfterThePostmasterWasKilled_Recovers()
    {
        var first = await StartAsync();
        await ExecuteAsync(first.ConnectionString, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('committed')");
        var killed = PostgresProcesses.ReadPostmasterPid(Paths.DataDirectory)!.Value;

        using (var postmaster = Process.GetProcessById(killed))
        {
            postmaster.Kill(); // SIGKILL: no shutdown, postmaster.pid stays behind
        }

        await WaitUntilAsync(() => !PostgresProcesses.IsRunningIn(killed, Paths.DataDirectory));
        Assert.True(File.Exists(Paths.PidFile));
        _started.Remove(first);

        var second = await StartAsync();

        Assert.Equal("committed", await QueryAsync(second.ConnectionString, "SELECT v FROM kept"));
        Assert.NotEqual(killed, PostgresProcesses.ReadPostmasterPid(Paths.DataDirectory));
    }

    [Fact]
    public async Task Start_WhileAServerFromAKilledServiceStillRuns_ReplacesIt()
    {
        // The service was killed, its postgres was not: the next start must take over the cluster.
        var abandoned = await StartAsync();
        _started.Remove(abandoned);
        var abandonedPid = PostgresProcesses.ReadPostmasterPid(Paths.DataDirectory)!.Value;

        var second = await StartAsync();

        Assert.False(PostgresProcesses.IsRunningIn(abandonedPid, Paths.DataDirectory));
        Assert.Equal("1", await QueryAsync(second.ConnectionString, "SELECT 1"));
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => QueryAsync(abandoned.ConnectionString, "SELECT 1"));
    }

    [Fact]
    public async Task Start_AsRootUnderADirectoryPostgresCannotEnter_NamesIt()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            return; // Only root hands the cluster to another user.
        }

        var closed = Path.Combine(_storage.Path, "closed");
        Directory.CreateDirectory(closed, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var error = await Assert.ThrowsAsync<EmbeddedPostgresException>(
            () => EmbeddedPostgres.StartAsync(Path.Combine(closed, "data"), NullLogger.Instance, CancellationToken.None));

        Assert.Contains($"cannot enter {closed} ", error.Message, StringComparison.Ordinal);
    }

    private async Task<EmbeddedPostgres> StartAsync()
    {
        var postgres = await EmbeddedPostgres.StartAsync(_storage.Path, _logger, CancellationToken.None);
        _started.Add(postgres);
        return postgres;
    }

    private static async Task<string?> QueryAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (await command.ExecuteScalarAsync())?.ToString();
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            await Task.Delay(50, timeout.Token);
        }
    }
}
