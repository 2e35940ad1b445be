using System.Diagnostics;
using System.Runtime.Versioning;
using Alerting.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace Alerting.Persistence.Embedded;

/// <summary>Starting again on the same storage path; each test owns its cluster.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class EmbeddedPostgresRestartTests(ITestOutputHelper output) : IAsyncLifetime
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
    public async Task SecondStart_AfterStop_ReusesTheCluster()
    {
        var first = await StartAsync();
        await Sql.ExecuteAsync(first.ConnectionString, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')");
        var password = File.ReadAllText(Paths.PasswordFile);

        await first.StopAsync();

        Assert.False(File.Exists(Paths.PidFile));
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => Sql.QueryAsync(first.ConnectionString, "SELECT 1"));

        var second = await StartAsync();

        Assert.Equal("still here", await Sql.QueryAsync(second.ConnectionString, "SELECT v FROM kept"));
        Assert.Equal(password, File.ReadAllText(Paths.PasswordFile));
    }

    [Fact]
    public async Task Start_AfterThePostmasterWasKilled_Recovers()
    {
        var first = await StartAsync();
        await Sql.ExecuteAsync(first.ConnectionString, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('committed')");
        var killed = PostgresProcesses.ReadPostmasterPid(Paths.DataDirectory)!.Value;

        using (var postmaster = Process.GetProcessById(killed))
        {
            postmaster.Kill(); // SIGKILL: no shutdown, postmaster.pid stays behind
        }

        await WaitUntilAsync(() => !PostgresProcesses.IsRunningIn(killed, Paths.DataDirectory));
        Assert.True(File.Exists(Paths.PidFile));
        _started.Remove(first);

        var second = await StartAsync();

        Assert.Equal("committed", await Sql.QueryAsync(second.ConnectionString, "SELECT v FROM kept"));
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
        Assert.Equal("1", await Sql.QueryAsync(second.ConnectionString, "SELECT 1"));
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => Sql.QueryAsync(abandoned.ConnectionString, "SELECT 1"));
    }

    [Fact]
    public async Task Restart_AfterThePostmasterWasKilled_ComesBackOnTheSamePortWithTheData()
    {
        var postgres = await StartAsync();
        await Sql.ExecuteAsync(postgres.ConnectionString, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('committed')");
        var killed = postgres.PostmasterPid;
        Assert.Equal(PostgresProcesses.ReadPostmasterPid(Paths.DataDirectory), killed);

        Kill(killed);
        await WaitUntilAsync(() => !postgres.IsRunning);
        await postgres.RestartAsync(CancellationToken.None);

        Assert.True(postgres.IsRunning);
        Assert.NotEqual(killed, postgres.PostmasterPid);
        Assert.Equal(PostgresProcesses.ReadPostmasterPid(Paths.DataDirectory), postgres.PostmasterPid);
        // The same connection string, so the same port: the service's pools name it. (A fresh connection: the pooled
        // one died with the server, and the service empties its pools after a restart.)
        var fresh = new NpgsqlConnectionStringBuilder(postgres.ConnectionString) { Pooling = false }.ConnectionString;
        Assert.Equal("committed", await Sql.QueryAsync(fresh, "SELECT v FROM kept"));
    }

    [Fact]
    public async Task Restart_KillsABackendThatOutlivesItsPostmaster_AndOnlyThenStarts()
    {
        var postgres = await StartAsync();
        // A busy backend does not look at its postmaster until it is done: this one would run for hours.
        await using var busy = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(postgres.ConnectionString) { Pooling = false }.ConnectionString);
        await busy.OpenAsync();
        var backend = busy.ProcessID;
        await using var spin = new NpgsqlCommand("SELECT count(*) FROM generate_series(1, 10000000000)", busy) { CommandTimeout = 0 };
        var spinning = spin.ExecuteScalarAsync();
        await Task.Delay(300);

        Kill(postgres.PostmasterPid);
        await WaitUntilAsync(() => !postgres.IsRunning);
        Assert.True(PostgresProcesses.IsRunningIn(backend, Paths.DataDirectory), "the busy backend should outlive its postmaster");
        var restarting = Stopwatch.StartNew();
        await postgres.RestartAsync(CancellationToken.None);
        output.WriteLine($"restarted in {restarting.Elapsed.TotalSeconds:0.0} s, killing the orphaned backend {backend}");

        Assert.False(PostgresProcesses.IsRunningIn(backend, Paths.DataDirectory));
        Assert.Equal("1", await Sql.QueryAsync(new NpgsqlConnectionStringBuilder(postgres.ConnectionString) { Pooling = false }.ConnectionString, "SELECT 1"));
        await Assert.ThrowsAnyAsync<Exception>(() => spinning);
    }

    [Fact]
    public async Task Restart_WhileTheServerRuns_LeavesItAlone()
    {
        var postgres = await StartAsync();
        var pid = postgres.PostmasterPid;

        await postgres.RestartAsync(CancellationToken.None);

        Assert.Equal(pid, postgres.PostmasterPid);
        Assert.Equal(pid, PostgresProcesses.ReadPostmasterPid(Paths.DataDirectory));
    }

    private static void Kill(int pid)
    {
        using var process = Process.GetProcessById(pid);
        process.Kill(); // SIGKILL, as the OOM killer sends it
    }

    private async Task<EmbeddedPostgres> StartAsync()
    {
        var postgres = await EmbeddedPostgres.StartAsync(_storage.Path, _logger, CancellationToken.None);
        _started.Add(postgres);
        return postgres;
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
