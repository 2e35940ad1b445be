using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Security.Cryptography;
using Alerting.Persistence.Embedded;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Testcontainers.PostgreSql;

namespace Alerting.Infrastructure;

/// <summary>
/// One PostgreSQL server per test process, shared by all tests; each caller gets a fresh, empty database.
/// The server is, in order: ALERTING_TEST_DATABASE_URL; a Testcontainers container when Docker answers;
/// else an <see cref="EmbeddedPostgres"/> in a temp directory, stopped and deleted when the process exits.
/// </summary>
public static class TestDatabase
{
    public const string UrlVariable = "ALERTING_TEST_DATABASE_URL";

    private const string EmbeddedPrefix = "alerting-tests-";

    // Durability buys nothing for a cluster deleted at exit, and fsyncs dominate CREATE DATABASE time.
    private static readonly Dictionary<string, string> ThrowawaySettings = new()
    {
        ["fsync"] = "off",
        ["synchronous_commit"] = "off",
        ["full_page_writes"] = "off",
        ["max_connections"] = "300",
    };

    private static readonly Lazy<Task<TestServer>> Server = new(StartServerAsync);
    private static readonly ConcurrentBag<string> Created = [];
    private static int _counter;

    /// <summary>Creates a new, empty, uniquely named database and returns its Npgsql connection string.</summary>
    public static async Task<string> CreateAsync()
    {
        var server = await Server.Value;
        var name = string.Create(
            CultureInfo.InvariantCulture,
            $"test_{Environment.ProcessId}_{Interlocked.Increment(ref _counter)}_{RandomNumberGenerator.GetHexString(6, lowercase: true)}");
        var connectionString = await PostgresAdmin.CreateDatabaseAsync(
            server.ConnectionString, name, ifMissing: false, CancellationToken.None);
        Created.Add(name);
        return connectionString;
    }

    /// <summary>Which kind of server the databases live on, for diagnostics.</summary>
    internal static async Task<string> DescribeServerAsync() => (await Server.Value).Description;

    private static async Task<TestServer> StartServerAsync()
    {
        var server = await StartAnyServerAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                NpgsqlConnection.ClearAllPools();
                server.Cleanup().Wait(TimeSpan.FromSeconds(30));
            }
            catch (AggregateException)
            {
                // Best effort at exit; a later run sweeps leftover embedded servers.
            }
        };
        return server;
    }

    private static async Task<TestServer> StartAnyServerAsync()
    {
        if (Environment.GetEnvironmentVariable(UrlVariable) is { Length: > 0 } url)
        {
            // Someone else's server: leave it as we found it.
            var external = ConnectionUrl.ToConnectionString(url);
            return new TestServer(UrlVariable, external, () => DropCreatedAsync(external));
        }

        if (await DockerIsReachableAsync())
        {
            var container = new PostgreSqlBuilder("postgres:15-alpine").Build();
            await container.StartAsync();
            return new TestServer("Testcontainers", container.GetConnectionString(), () => container.DisposeAsync().AsTask());
        }

        await SweepLeftoversAsync();
        var storage = Path.Combine(Path.GetTempPath(), $"{EmbeddedPrefix}{Environment.ProcessId}");
        DeleteDirectory(storage);
        var embedded = await EmbeddedPostgres.StartAsync(storage, NullLogger.Instance, ThrowawaySettings, CancellationToken.None);
        StartWatchdog(embedded.StopCommandLine, storage);
        return new TestServer($"embedded PostgreSQL in {storage}", embedded.ServerConnectionString, async () =>
        {
            await embedded.StopAsync();
            DeleteDirectory(storage);
        });
    }

    /// <summary>
    /// vstest kills the test host about 100 ms after the run, usually before a ProcessExit handler has stopped
    /// postgres and deleted its files. A detached shell waits for this process to go, then does both.
    /// </summary>
    private static void StartWatchdog(IReadOnlyList<string> stopCommandLine, string storage)
    {
        const string Script = """
            exec </dev/null >/dev/null 2>&1
            pid=$1; dir=$2; shift 2
            while kill -0 "$pid"; do sleep 0.2; done
            "$@"
            rm -rf "$dir"
            """;
        var startInfo = new ProcessStartInfo("setsid")
        {
            UseShellExecute = false,
            // Fresh pipes rather than our stdio: vstest would otherwise wait for the watchdog to close them.
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        string[] arguments =
        [
            "-f", "/bin/sh", "-c", Script, "alerting-test-watchdog",
            Environment.ProcessId.ToString(CultureInfo.InvariantCulture), storage, .. stopCommandLine,
        ];
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        try
        {
            using var setsid = Process.Start(startInfo);
            setsid?.WaitForExit(TimeSpan.FromSeconds(5));
        }
        catch (Win32Exception)
        {
            // No setsid: the ProcessExit handler and the next run's sweep still clean up.
        }
    }

    /// <summary>Removes embedded servers left by test processes that were killed before their exit handler ran.</summary>
    private static async Task SweepLeftoversAsync()
    {
        foreach (var dir in Directory.EnumerateDirectories(Path.GetTempPath(), EmbeddedPrefix + "*"))
        {
            if (!int.TryParse(Path.GetFileName(dir).AsSpan(EmbeddedPrefix.Length), out var pid)
                || pid == Environment.ProcessId
                || ProcessIsAlive(pid))
            {
                continue;
            }

            try
            {
                await EmbeddedPostgres.StopLeftoverAsync(dir, NullLogger.Instance, CancellationToken.None);
                DeleteDirectory(dir);
            }
            catch (Exception e) when (e is EmbeddedPostgresException or IOException or UnauthorizedAccessException)
            {
                // Someone else's problem to look at; it must not fail this run.
            }
        }
    }

    private static async Task DropCreatedAsync(string serverConnectionString)
    {
        var admin = new NpgsqlConnectionStringBuilder(serverConnectionString) { Pooling = false }.ConnectionString;
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        foreach (var name in Created)
        {
            // Names come from CreateAsync, which only makes plain identifiers.
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }

    private static bool ProcessIsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void DeleteDirectory(string path)
    {
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
    }

    /// <summary>
    /// A quick /_ping on the Docker socket: Testcontainers itself can take long to give up when there is no daemon.
    /// </summary>
    private static async Task<bool> DockerIsReachableAsync()
    {
        var dockerHost = Environment.GetEnvironmentVariable("DOCKER_HOST");
        var socketPath = dockerHost switch
        {
            null or "" => "/var/run/docker.sock",
            _ when dockerHost.StartsWith("unix://", StringComparison.Ordinal) => dockerHost["unix://".Length..],
            _ => null,
        };

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            if (socketPath is null)
            {
                // tcp://host:port
                var uri = new Uri(dockerHost!.Replace("tcp://", "http://", StringComparison.Ordinal));
                using var http = new HttpClient();
                return (await http.GetAsync(new Uri(uri, "/_ping"), timeout.Token)).IsSuccessStatusCode;
            }

            if (!File.Exists(socketPath))
            {
                return false;
            }

            using var handler = new SocketsHttpHandler
            {
                ConnectCallback = async (_, ct) =>
                {
                    var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    try
                    {
                        await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), ct);
                        return new NetworkStream(socket, ownsSocket: true);
                    }
                    catch
                    {
                        socket.Dispose();
                        throw;
                    }
                },
            };
            using var client = new HttpClient(handler);
            return (await client.GetAsync(new Uri("http://docker/_ping"), timeout.Token)).IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or SocketException or OperationCanceledException or UriFormatException)
        {
            return false;
        }
    }

    private sealed record TestServer(string Description, string ConnectionString, Func<Task> Cleanup);
}
