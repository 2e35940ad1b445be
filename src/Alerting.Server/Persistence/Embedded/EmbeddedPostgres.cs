using System.Net;
using Npgsql;

namespace Alerting.Persistence.Embedded;

/// <summary>
/// The service's default store: a private PostgreSQL cluster under the storage path, created on
/// first use, reused on later starts and stopped on shutdown. It listens on 127.0.0.1 only, on a
/// port picked at each start, with a password generated once and kept beside the cluster.
/// </summary>
internal sealed partial class EmbeddedPostgres : IAsyncDisposable
{
    public const string DatabaseName = "alerting";
    public const string UserName = "alerting";

    private const string LibRoot = "/usr/lib/postgresql";
    private const string OsUser = "postgres";
    private const int MaxSocketPathBytes = 100;
    private const int StartAttempts = 3;

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan OrphanTimeout = TimeSpan.FromSeconds(15);
    private static readonly string[] Tools = ["pg_ctl", "initdb", "postgres"];

    private readonly PostgresTools _tools;
    private readonly ILogger _logger;
    private readonly IReadOnlyDictionary<string, string> _serverSettings;
    // One start or stop at a time: a restart must not race the shutdown's stop.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private int _stopped;
    private int _postmasterPid;

    private EmbeddedPostgres(
        PostgresTools tools, EmbeddedPostgresPaths paths, int port, string password, IReadOnlyDictionary<string, string> serverSettings, ILogger logger)
    {
        _tools = tools;
        _logger = logger;
        _serverSettings = serverSettings;
        Paths = paths;
        Port = port;
        ServerConnectionString = new NpgsqlConnectionStringBuilder
        {
            Host = IPAddress.Loopback.ToString(),
            Port = port,
            Username = UserName,
            Password = password,
            Database = "postgres",
        }.ConnectionString;
        ConnectionString = PostgresAdmin.WithDatabase(ServerConnectionString, DatabaseName);
    }

    public EmbeddedPostgresPaths Paths { get; }

    public int Port { get; }

    /// <summary>Npgsql connection string for the <c>alerting</c> database.</summary>
    public string ConnectionString { get; }

    /// <summary>Connection string for the maintenance database, for server-level commands.</summary>
    internal string ServerConnectionString { get; }

    public static Task<EmbeddedPostgres> StartAsync(string storagePath, ILogger logger, CancellationToken ct) =>
        StartAsync(storagePath, logger, new Dictionary<string, string>(), ct);

    /// <param name="serverSettings">Extra <c>-c name=value</c> settings, e.g. fsync=off for throwaway test clusters.</param>
    internal static async Task<EmbeddedPostgres> StartAsync(
        string storagePath,
        ILogger logger,
        IReadOnlyDictionary<string, string> serverSettings,
        CancellationToken ct)
    {
        var binaries = FindBinaries() ?? throw new EmbeddedPostgresException(MissingBinariesMessage);
        var paths = new EmbeddedPostgresPaths(Path.GetFullPath(storagePath));
        var tools = PostgresTools.Create(binaries, OsUser);
        Directory.CreateDirectory(paths.StoragePath);

        var initialised = File.Exists(paths.VersionFile);
        var password = LoadOrCreatePassword(paths, initialised);
        await PrepareDirectoriesAsync(tools, paths, initialised, ct);
        if (!initialised)
        {
            await InitialiseAsync(tools, paths, password, logger, ct);
        }

        await StopLeftoverAsync(tools, paths, logger, ct);
        var port = await StartServerAsync(tools, paths, serverSettings, logger, ct);

        var postgres = new EmbeddedPostgres(tools, paths, port, password, serverSettings, logger);
        try
        {
            await PostgresAdmin.WaitUntilReadyAsync(postgres.ServerConnectionString, ReadyTimeout, TimeProvider.System, ct);
            await PostgresAdmin.CreateDatabaseAsync(postgres.ServerConnectionString, DatabaseName, ifMissing: true, ct);
            postgres.PostmasterPid = PostgresProcesses.ReadPostmasterPid(paths.DataDirectory) ?? 0;
        }
        catch (Exception e)
        {
            await postgres.DisposeAsync();
            if (e is OperationCanceledException)
            {
                throw;
            }

            throw new EmbeddedPostgresException(
                $"PostgreSQL started on port {port} but is not usable: {e.Message}{LogTail(paths.LogFile)}", e);
        }

        logger.LogInformation(
            "PostgreSQL is listening on 127.0.0.1:{Port} (data in {DataDirectory})", port, paths.DataDirectory);
        return postgres;
    }

    /// <summary>Creates a database on this server and returns its connection string.</summary>
    public Task<string> CreateDatabaseAsync(string name, CancellationToken ct = default) =>
        PostgresAdmin.CreateDatabaseAsync(ServerConnectionString, name, ifMissing: false, ct);

    /// <summary>The argv that stops this server, for a watchdog that must outlive us (test fixtures).</summary>
    internal IReadOnlyList<string> StopCommandLine => _tools.ToolCommandLine("pg_ctl", StopArguments(Paths));

    public async Task StopAsync(CancellationToken ct = default)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        await _gate.WaitAsync(ct);
        try
        {
            _logger.LogInformation("Stopping PostgreSQL (data in {DataDirectory})", Paths.DataDirectory);
            var result = await _tools.RunAsync("pg_ctl", StopArguments(Paths), CommandTimeout, ct);
            result.EnsureSuccess("Stopping PostgreSQL");
        }
        finally
        {
            _gate.Release();
        }
    }

    // Fast: roll back open transactions and disconnect clients rather than wait for them.
    private static string[] StopArguments(EmbeddedPostgresPaths paths) =>
        ["stop", "-D", paths.DataDirectory, "-m", "fast", "-w", "-t", "60"];

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        catch (EmbeddedPostgresException e)
        {
            // Disposal runs on shutdown paths where throwing would hide the original problem.
            _logger.LogError(e, "Could not stop PostgreSQL cleanly");
        }

        _gate.Dispose();
    }

    /// <summary>
    /// Stops a server left running on <paramref name="storagePath"/> by a process that died, or clears
    /// its stale lock file. Used at start, and by the test fixture to sweep up after killed test runs.
    /// </summary>
    internal static async Task StopLeftoverAsync(string storagePath, ILogger logger, CancellationToken ct)
    {
        var paths = new EmbeddedPostgresPaths(Path.GetFullPath(storagePath));
        if (File.Exists(paths.PidFile) && FindBinaries() is { } binaries)
        {
            await StopLeftoverAsync(PostgresTools.Create(binaries, OsUser), paths, logger, ct);
        }
    }

    private static async Task StopLeftoverAsync(
        PostgresTools tools, EmbeddedPostgresPaths paths, ILogger logger, CancellationToken ct)
    {
        if (!File.Exists(paths.PidFile))
        {
            return;
        }

        var pid = PostgresProcesses.ReadPostmasterPid(paths.DataDirectory);
        if (pid is { } running && PostgresProcesses.IsRunningIn(running, paths.DataDirectory))
        {
            // The service died without stopping its server (e.g. kill -9): stop it and start afresh on a new port.
            logger.LogWarning(
                "PostgreSQL from a previous run (pid {Pid}) is still running on {DataDirectory}; stopping it",
                running,
                paths.DataDirectory);
            var result = await tools.RunAsync("pg_ctl", StopArguments(paths), CommandTimeout, ct);
            if (result.Succeeded || !File.Exists(paths.PidFile))
            {
                return;
            }

            if (PostgresProcesses.IsRunningIn(running, paths.DataDirectory))
            {
                result.EnsureSuccess("Stopping the PostgreSQL left running by a previous run");
            }
        }

        // The postmaster is gone but its lock file stayed, and its PID may now be someone else's, which
        // makes postgres refuse to start. Removing the lock is only safe once its backends are gone too.
        await WaitForOrphansAsync(paths.DataDirectory, ct);
        logger.LogWarning(
            "Removing stale {PidFile} (pid {Pid} is not a running PostgreSQL)", paths.PidFile, pid);
        File.Delete(paths.PidFile);
    }

}
