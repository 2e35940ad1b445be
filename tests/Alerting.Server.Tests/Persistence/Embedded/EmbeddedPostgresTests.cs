using System.Runtime.Versioning;
using Alerting.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Alerting.Persistence.Embedded;

/// <summary>One cluster, started once for this class, initialised from an empty storage path.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class FreshCluster : IAsyncLifetime
{
    private readonly TempDirectory _storage = new("alerting-pg-");

    internal EmbeddedPostgres Postgres { get; private set; } = null!;

    internal EmbeddedPostgresPaths Paths => new(_storage.Path);

    public async Task InitializeAsync() =>
        Postgres = await EmbeddedPostgres.StartAsync(_storage.Path, NullLogger.Instance, CancellationToken.None);

    public async Task DisposeAsync()
    {
        await Postgres.DisposeAsync();
        _storage.Dispose();
    }
}

[UnsupportedOSPlatform("windows")]
public sealed class EmbeddedPostgresTests(FreshCluster cluster) : IClassFixture<FreshCluster>
{
    private EmbeddedPostgres Postgres => cluster.Postgres;

    [Fact]
    public async Task FirstStart_InitialisesClusterAndAnswersQueries()
    {
        Assert.True(File.Exists(cluster.Paths.VersionFile));
        var connection = new NpgsqlConnectionStringBuilder(Postgres.ConnectionString);
        Assert.Equal("127.0.0.1", connection.Host);
        Assert.Equal(Postgres.Port, connection.Port);
        Assert.Equal("alerting", connection.Username);
        Assert.Equal("alerting", connection.Database);
        Assert.Equal(File.ReadAllText(cluster.Paths.PasswordFile).Trim(), connection.Password);

        var row = await Sql.QueryAsync(
            Postgres.ConnectionString,
            "SELECT current_user || ' ' || current_database() || ' ' || host(inet_server_addr()) || ' ' || inet_server_port()");

        Assert.Equal($"alerting alerting 127.0.0.1 {Postgres.Port}", row);
    }

    [Fact]
    public async Task The_server_runs_with_glibcs_mmap_threshold_fixed()
    {
        // Every backend is forked from the postmaster with its environment (a backend's own /proc environ is where
        // PostgreSQL writes its process title): a large block it frees goes back to the OS instead of staying in its heap.
        var environment = (await File.ReadAllTextAsync($"/proc/{Postgres.PostmasterPid}/environ")).Split('\0');
        Assert.Contains("MALLOC_MMAP_THRESHOLD_=131072", environment);
    }

    [Fact]
    public void An_operators_own_mmap_threshold_is_left_to_be_inherited()
    {
        Assert.Equal("131072", EmbeddedPostgres.ServerEnvironment(_ => null)[EmbeddedPostgres.MmapThreshold]);
        Assert.Empty(EmbeddedPostgres.ServerEnvironment(name => name == EmbeddedPostgres.MmapThreshold ? "65536" : null));
    }

    [Fact]
    public async Task Server_RequiresThePassword()
    {
        var wrong = new NpgsqlConnectionStringBuilder(Postgres.ConnectionString) { Password = "wrong", Pooling = false };

        var error = await Assert.ThrowsAsync<PostgresException>(() => Sql.QueryAsync(wrong.ConnectionString, "SELECT 1"));

        Assert.Equal("28P01", error.SqlState);
    }

    [Fact]
    public async Task PasswordFile_IsReadableByItsOwnerOnly()
    {
        var file = cluster.Paths.PasswordFile;

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        // Plain hex and a newline: no BOM or anything else initdb would take into the password.
        Assert.Matches("^[0-9a-f]{48}\n$", File.ReadAllText(file, new System.Text.UTF8Encoding(false)));
        Assert.NotEqual(0xEF, File.ReadAllBytes(file)[0]);
        if (Environment.IsPrivilegedProcess)
        {
            var owner = await ProcessRunner.RunAsync("stat", ["-c", "%U", file], TimeSpan.FromSeconds(10), default);
            Assert.Equal("root", owner.StandardOutput.Trim());
            var asPostgres = await ProcessRunner.RunAsync(
                "runuser", ["-u", "postgres", "--", "cat", file], TimeSpan.FromSeconds(10), default);
            Assert.False(asPostgres.Succeeded, "the postgres user could read the password file");
        }
    }

    [Fact]
    public async Task CreateDatabaseAsync_ReturnsAConnectionStringForTheNewDatabase()
    {
        var connectionString = await Postgres.CreateDatabaseAsync("second_db");

        Assert.Equal("second_db", await Sql.QueryAsync(connectionString, "SELECT current_database()"));
        await Assert.ThrowsAsync<ArgumentException>(() => Postgres.CreateDatabaseAsync("bad\"name"));
    }

    [Fact]
    public async Task Start_AsRootUnderADirectoryPostgresCannotEnter_NamesIt()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            return; // Only root hands the cluster to another user.
        }

        using var storage = new TempDirectory("alerting-pg-");
        var closed = Path.Combine(storage.Path, "closed");
        Directory.CreateDirectory(closed, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var error = await Assert.ThrowsAsync<EmbeddedPostgresException>(
            () => EmbeddedPostgres.StartAsync(Path.Combine(closed, "data"), NullLogger.Instance, CancellationToken.None));

        Assert.Contains($"cannot enter {closed} ", error.Message, StringComparison.Ordinal);
    }
}
