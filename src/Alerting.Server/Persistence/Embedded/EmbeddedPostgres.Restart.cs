using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace Alerting.Persistence.Embedded;

/// <summary>Watching the server and starting it again after its postmaster died (OOM killer, kill -9).</summary>
internal sealed partial class EmbeddedPostgres
{
    // Backends of a dead postmaster leave at their next wait (idle ones at once); one deep in a query does not.
    private static readonly TimeSpan OrphanGrace = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RestartReadyTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The postmaster this instance started (or adopted); 0 before the first start.</summary>
    public int PostmasterPid
    {
        get => Volatile.Read(ref _postmasterPid);
        private set => Volatile.Write(ref _postmasterPid, value);
    }

    /// <summary>True while our postmaster is a live process working in our data directory (a zombie is not).</summary>
    public bool IsRunning => PostgresProcesses.IsRunningIn(PostmasterPid, Paths.DataDirectory);

    /// <summary>
    /// A checkpoint, so that a crash soon after start does not replay (and then write and sync) the start's own writes:
    /// the first restart after the migrations took 1-2 s longer than the others without it.
    /// </summary>
    internal async Task CheckpointAsync(CancellationToken ct)
    {
        await using var connection = new Npgsql.NpgsqlConnection(
            new Npgsql.NpgsqlConnectionStringBuilder(ServerConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(ct);
        await using var checkpoint = new Npgsql.NpgsqlCommand("CHECKPOINT", connection);
        await checkpoint.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Starts the server again on the same data directory and port (the service's connection strings name that port)
    /// after its postmaster exited. One attempt: the caller decides when to try again.
    /// </summary>
    /// <exception cref="EmbeddedPostgresException">This attempt failed; another may succeed.</exception>
    internal async Task RestartAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (Volatile.Read(ref _stopped) == 1)
            {
                throw new OperationCanceledException("PostgreSQL is being stopped");
            }

            if (IsRunning)
            {
                return;
            }

            // Someone started a server on our data directory meanwhile: never a second postmaster beside it.
            if (PostgresProcesses.ReadPostmasterPid(Paths.DataDirectory) is { } other
                && PostgresProcesses.IsRunningIn(other, Paths.DataDirectory))
            {
                _logger.LogWarning("PostgreSQL pid {Pid} already runs on {DataDirectory}; using it", other, Paths.DataDirectory);
                await PostgresAdmin.WaitUntilReadyAsync(ServerConnectionString, RestartReadyTimeout, TimeProvider.System, ct);
                PostmasterPid = other;
                return;
            }

            await ClearDeadServerAsync(ct);
            try
            {
                await StartOnceAsync(_tools, Paths, _serverSettings, Port, _logger, ct);
            }
            catch (TransientStartException e)
            {
                throw new EmbeddedPostgresException(e.Message);
            }

            await PostgresAdmin.WaitUntilReadyAsync(ServerConnectionString, RestartReadyTimeout, TimeProvider.System, ct);
            PostmasterPid = PostgresProcesses.ReadPostmasterPid(Paths.DataDirectory) ?? 0;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Waits for the dead postmaster's backends to go, kills those still there after a grace period (their server is
    /// gone; crash recovery redoes what they committed), then removes its lock files, which postgres would refuse when
    /// their PID now names another process or an unreaped zombie. The lock files go only once no process works in the
    /// data directory: the old shared memory is free then, so the new postmaster cannot meet the old one's backends.
    /// </summary>
    private async Task ClearDeadServerAsync(CancellationToken ct)
    {
        var time = TimeProvider.System;
        var started = time.GetTimestamp();
        var killed = false;
        while (PostgresProcesses.FindIn(Paths.DataDirectory) is { Count: > 0 } orphans)
        {
            var waited = time.GetElapsedTime(started);
            if (waited > OrphanTimeout)
            {
                throw new EmbeddedPostgresException(
                    $"Processes {string.Join(", ", orphans)} of the PostgreSQL that exited still use {Paths.DataDirectory}.");
            }

            if (waited > OrphanGrace && !killed)
            {
                killed = true;
                foreach (var pid in orphans.Where(pid => PostgresProcesses.IsRunningIn(pid, Paths.DataDirectory)))
                {
                    _logger.LogWarning("Killing pid {Pid}, a backend of the PostgreSQL that exited, still in {DataDirectory}", pid, Paths.DataDirectory);
                    KillOrphan(pid);
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), time, ct);
        }

        var socketLock = Path.Combine(Paths.DataDirectory, string.Create(CultureInfo.InvariantCulture, $".s.PGSQL.{Port}.lock"));
        foreach (var stale in new[] { Paths.PidFile, socketLock }.Where(File.Exists))
        {
            _logger.LogWarning("Removing stale {LockFile} of the PostgreSQL that exited", stale);
            File.Delete(stale);
        }
    }

    private static void KillOrphan(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or Win32Exception)
        {
            // Gone meanwhile, or not ours to kill: the wait above decides.
        }
    }
}
