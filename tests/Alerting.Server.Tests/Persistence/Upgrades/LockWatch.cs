using System.Diagnostics;
using Npgsql;

namespace Alerting.Persistence.Upgrades;

/// <summary>
/// Watches, from a session of its own, the locks other sessions hold on some tables: every few milliseconds it reads
/// pg_locks and keeps, per table, holder (backend and transaction) and mode, when it first and last saw the lock
/// granted. A hold shorter than the poll interval may go unseen; a longer one is seen, and measured to within two polls.
/// </summary>
internal sealed class LockWatch : IAsyncDisposable
{
    /// <summary>The modes that block writers (INSERT/UPDATE/DELETE take RowExclusiveLock, which these conflict with).</summary>
    private static readonly string[] WriteBlocking = ["ShareLock", "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock"];

    private readonly Dictionary<(string Table, int Pid, string Transaction, string Mode), (TimeSpan First, TimeSpan Last)> _seen = [];
    private readonly string[] _tables;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _polling;
    private int _polls;

    private LockWatch(NpgsqlConnection connection, string[] tables)
    {
        _tables = tables;
        _polling = Task.Run(() => PollAsync(connection));
    }

    public static async Task<LockWatch> StartAsync(string connectionString, params string[] tables)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        return new LockWatch(connection, tables);
    }

    /// <summary>Stops watching; returns, per table, the longest hold seen of ACCESS EXCLUSIVE and of any write-blocking mode.</summary>
    public async Task<LockFigures> StopAsync()
    {
        await _stop.CancelAsync();
        await _polling;
        TimeSpan Longest(string table, Func<string, bool> mode) =>
            _seen.Where(s => s.Key.Table == table && mode(s.Key.Mode)).Select(s => s.Value.Last - s.Value.First).DefaultIfEmpty(TimeSpan.Zero).Max();
        var tables = _tables.ToDictionary(
            t => t,
            t => new TableLocks(Longest(t, m => m == "AccessExclusiveLock"), Longest(t, WriteBlocking.Contains), _seen.Keys.Count(k => k.Table == t && WriteBlocking.Contains(k.Mode))),
            StringComparer.Ordinal);
        return new LockFigures(tables, _polls, _polls == 0 ? TimeSpan.Zero : _clock.Elapsed / _polls);
    }

    private async Task PollAsync(NpgsqlConnection connection)
    {
        await using (connection)
        {
            await using var cmd = new NpgsqlCommand("""
                SELECT c.relname, l.pid, l.virtualtransaction, l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
                WHERE l.granted AND c.relname = ANY($1) AND l.pid <> pg_backend_pid()
                  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                """, connection);
            cmd.Parameters.Add(new NpgsqlParameter { Value = _tables });
            await cmd.PrepareAsync();
            while (!_stop.IsCancellationRequested)
            {
                var at = _clock.Elapsed;
                await using (var reader = await cmd.ExecuteReaderAsync())
                {
                    while (await reader.ReadAsync())
                    {
                        var key = (reader.GetString(0), reader.GetInt32(1), reader.GetString(2), reader.GetString(3));
                        _seen[key] = _seen.TryGetValue(key, out var span) ? (span.First, at) : (at, at);
                    }
                }
                _polls++;
                try
                {
                    await Task.Delay(2, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    // Stopping.
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }
        _stop.Dispose();
    }
}

/// <summary>A table's longest holds: ACCESS EXCLUSIVE, any mode that blocks writers, and how many write-blocking holds were seen.</summary>
internal sealed record TableLocks(TimeSpan AccessExclusive, TimeSpan WriteBlocking, int WriteBlockingHolds);

/// <summary>What a <see cref="LockWatch"/> saw, and how often it looked.</summary>
internal sealed record LockFigures(IReadOnlyDictionary<string, TableLocks> Tables, int Polls, TimeSpan PollInterval)
{
    public TableLocks Alerts => Tables["alerts"];

    public string Describe() =>
        string.Join("; ", Tables.Select(t => System.FormattableString.Invariant(
            $"{t.Key} longest ACCESS EXCLUSIVE {t.Value.AccessExclusive.TotalMilliseconds:0} ms, write-blocking {t.Value.WriteBlocking.TotalMilliseconds:0} ms ({t.Value.WriteBlockingHolds} holds)")))
        + System.FormattableString.Invariant($" ({Polls} polls, one every {PollInterval.TotalMilliseconds:0.0} ms)");
}
