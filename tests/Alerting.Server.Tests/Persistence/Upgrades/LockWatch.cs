using System.Diagnostics;
using Npgsql;

namespace Alerting.Persistence.Upgrades;

/// <summary>
/// Watches, from a session of its own, the locks other sessions hold on some tables: every few milliseconds it reads
/// pg_locks and keeps, per table, holder (backend and transaction) and mode, the first and last poll that saw the lock
/// granted. A hold shorter than the poll interval may go unseen; a seen one gets two figures: from the first sighting to
/// the last (what it was seen for), and from the poll before the first to the poll after the last (what it can have
/// lasted at most). The second stays true when a busy machine spaces the polls out, so rules are checked against it.
/// </summary>
internal sealed class LockWatch : IAsyncDisposable
{
    /// <summary>The modes that block writers (INSERT/UPDATE/DELETE take RowExclusiveLock, which these conflict with).</summary>
    private static readonly string[] WriteBlocking = ["ShareLock", "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock"];

    private readonly Dictionary<(string Table, int Pid, string Transaction, string Mode), (int First, int Last)> _seen = [];
    private readonly List<(TimeSpan Start, TimeSpan End)> _polls = [];
    private readonly TaskCompletionSource _firstPoll = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string[] _tables;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _polling;
    private TimeSpan _stopped;

    private LockWatch(NpgsqlConnection connection, string[] tables)
    {
        _tables = tables;
        _polling = Task.Run(() => PollAsync(connection));
    }

    public static async Task<LockWatch> StartAsync(string connectionString, params string[] tables)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        var watch = new LockWatch(connection, tables);
        // Returns once it has looked: a hold begun after this is seen by a later poll, whatever the machine's load.
        await Task.WhenAny(watch._firstPoll.Task, watch._polling);
        if (watch._polling.IsCompleted)
        {
            await watch._polling;
        }
        return watch;
    }

    /// <summary>Stops watching; returns, per table, the longest hold seen of ACCESS EXCLUSIVE and of any write-blocking mode.</summary>
    public async Task<LockFigures> StopAsync()
    {
        await _stop.CancelAsync();
        await _polling;
        _stopped = _clock.Elapsed;
        var tables = _tables.ToDictionary(
            t => t,
            t => new TableLocks(Longest(t, m => m == "AccessExclusiveLock"), Longest(t, WriteBlocking.Contains), _seen.Keys.Count(k => k.Table == t && WriteBlocking.Contains(k.Mode))),
            StringComparer.Ordinal);
        var gaps = _polls.Zip(_polls.Skip(1), (a, b) => b.Start - a.Start).DefaultIfEmpty(TimeSpan.Zero);
        return new LockFigures(tables, _polls.Count, _polls.Count == 0 ? TimeSpan.Zero : _stopped / _polls.Count, gaps.Max());
    }

    private Hold Longest(string table, Func<string, bool> mode)
    {
        var holds = _seen.Where(s => s.Key.Table == table && mode(s.Key.Mode)).Select(s => s.Value).ToList();
        // A lock is taken after the poll before its first sighting began and released before the poll after its last one ended.
        return new Hold(
            holds.Select(h => _polls[h.Last].Start - _polls[h.First].Start).DefaultIfEmpty(TimeSpan.Zero).Max(),
            holds.Select(h => (h.Last + 1 < _polls.Count ? _polls[h.Last + 1].End : _stopped) - (h.First > 0 ? _polls[h.First - 1].Start : TimeSpan.Zero))
                .DefaultIfEmpty(TimeSpan.Zero).Max());
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
                var poll = _polls.Count;
                var start = _clock.Elapsed;
                await using (var reader = await cmd.ExecuteReaderAsync())
                {
                    while (await reader.ReadAsync())
                    {
                        var key = (reader.GetString(0), reader.GetInt32(1), reader.GetString(2), reader.GetString(3));
                        _seen[key] = _seen.TryGetValue(key, out var span) ? (span.First, poll) : (poll, poll);
                    }
                }
                _polls.Add((start, _clock.Elapsed));
                _firstPoll.TrySetResult();
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

/// <summary>The longest hold of some modes: how long it was seen for, and how long it can have lasted at most.</summary>
internal sealed record Hold(TimeSpan Seen, TimeSpan AtMost)
{
    public override string ToString() => System.FormattableString.Invariant($"{Seen.TotalMilliseconds:0} ms (at most {AtMost.TotalMilliseconds:0})");
}

/// <summary>A table's longest holds: ACCESS EXCLUSIVE, any mode that blocks writers, and how many write-blocking holds were seen.</summary>
internal sealed record TableLocks(Hold AccessExclusive, Hold WriteBlocking, int WriteBlockingHolds);

/// <summary>What a <see cref="LockWatch"/> saw, and how often it looked.</summary>
internal sealed record LockFigures(IReadOnlyDictionary<string, TableLocks> Tables, int Polls, TimeSpan PollInterval, TimeSpan LongestGap)
{
    public TableLocks Alerts => Tables["alerts"];

    public string Describe() =>
        string.Join("; ", Tables.Select(t => System.FormattableString.Invariant(
            $"{t.Key} longest ACCESS EXCLUSIVE {t.Value.AccessExclusive}, write-blocking {t.Value.WriteBlocking} ({t.Value.WriteBlockingHolds} holds)")))
        + System.FormattableString.Invariant($" ({Polls} polls, one every {PollInterval.TotalMilliseconds:0.0} ms, longest gap {LongestGap.TotalMilliseconds:0} ms)");
}
