using System.Globalization;
using Alerting.Persistence.Embedded;
using Microsoft.Extensions.Logging.Abstractions;

namespace Alerting.Infrastructure;

/// <summary>
/// A private PostgreSQL (the embedded cluster's code, in a temp directory, durable settings) that a test may stop
/// and start again on the same port, for outage tests. The shared test server must never be stopped.
/// </summary>
internal sealed class StoppablePostgres : IAsyncDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(90);

    private readonly TempDirectory _dir;
    private readonly EmbeddedPostgres _server;
    private readonly PostgresTools _tools;

    private StoppablePostgres(TempDirectory dir, EmbeddedPostgres server, PostgresTools tools)
    {
        _dir = dir;
        _server = server;
        _tools = tools;
    }

    public string ConnectionString => _server.ConnectionString;

    public int Port => _server.Port;

    public static async Task<StoppablePostgres> StartAsync()
    {
        var binaries = EmbeddedPostgres.FindBinaries() ?? throw new InvalidOperationException(EmbeddedPostgres.MissingBinariesMessage);
        var dir = new TempDirectory("alerting-pg-");
        try
        {
            // Default durability (fsync, synchronous commit): an outage must not lose what was acknowledged.
            var server = await EmbeddedPostgres.StartAsync(dir.Path, NullLogger.Instance, new Dictionary<string, string> { ["max_connections"] = "200" }, CancellationToken.None);
            return new StoppablePostgres(dir, server, PostgresTools.Create(binaries, "postgres"));
        }
        catch
        {
            dir.Dispose();
            throw;
        }
    }

    /// <summary>Stops the server the hard way: backends die at once, clients see their connections drop.</summary>
    public async Task StopAsync() =>
        (await _tools.RunAsync("pg_ctl", ["stop", "-D", _server.Paths.DataDirectory, "-m", "immediate", "-w", "-t", "60"], CommandTimeout, CancellationToken.None))
            .EnsureSuccess("Stopping the test PostgreSQL");

    /// <summary>Starts it again on the same port (after crash recovery), and returns once it accepts connections.</summary>
    public async Task StartAgainAsync()
    {
        var options = string.Create(CultureInfo.InvariantCulture, $"-p {Port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=200");
        (await _tools.RunAsync("pg_ctl", ["start", "-D", _server.Paths.DataDirectory, "-l", _server.Paths.LogFile, "-w", "-t", "60", "-o", options], CommandTimeout, CancellationToken.None))
            .EnsureSuccess("Starting the test PostgreSQL again");
        await PostgresAdmin.WaitUntilReadyAsync(_server.ConnectionString, TimeSpan.FromSeconds(30), TimeProvider.System, CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _server.DisposeAsync();
        }
        finally
        {
            _dir.Dispose();
        }
    }
}
