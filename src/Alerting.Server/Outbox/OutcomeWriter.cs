using Alerting.Configuration;
using Alerting.Persistence;
using Npgsql;

namespace Alerting.Outbox;

/// <summary>A finished send, as <see cref="OutcomeWriter"/> records it: its row, whether it arrived, and the attempt that ended it.</summary>
internal sealed record FinishedSend(OutboxEntry Row, bool Success, AttemptRecord? Attempt);

/// <summary>
/// Records finished sends: success writes the notification log (only now, as Alertmanager) and marks the alerts
/// notified; either way the attempt is recorded and the row goes, unless a later flush replaced its snapshot
/// meanwhile (then it is sent next). Sends that finish while a write is under way wait for it and go together in
/// the next one: one round trip and one durable commit for all of them, where a flush storm paid two round trips and
/// a commit per send. A lone send is written at once.
/// </summary>
internal sealed class OutcomeWriter(NpgsqlDataSource db, InstanceInfo instance, TimeProvider time)
{
    /// <summary>At most this many sends per write; the rest go in the next.</summary>
    internal const int MaxBatch = 256;

    private readonly Lock _lock = new();
    private readonly List<Waiting> _queue = [];
    private bool _writing;

    private sealed record Waiting(FinishedSend Send, TaskCompletionSource<bool> Done);

    /// <summary>Records the outcome; true when a newer snapshot is left to send. Throws what the write threw.</summary>
    public Task<bool> FinishAsync(FinishedSend send)
    {
        var waiting = new Waiting(send, new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously));
        bool lead;
        lock (_lock)
        {
            _queue.Add(waiting);
            lead = !_writing;
            _writing = true;
        }
        if (lead)
        {
            _ = Task.Run(WriteAllAsync);
        }
        return waiting.Done.Task;
    }

    /// <summary>Writes what is queued, a batch at a time, until nothing is.</summary>
    private async Task WriteAllAsync()
    {
        while (true)
        {
            List<Waiting> batch;
            lock (_lock)
            {
                batch = Take();
                if (batch.Count == 0)
                {
                    _writing = false;
                    return;
                }
            }
            try
            {
                var deleted = await WriteAsync(batch.Select(w => w.Send).ToList());
                foreach (var w in batch)
                {
                    w.Done.SetResult(!deleted.Contains(w.Send.Row.Id));
                }
            }
            catch (Exception e)
            {
                // Each caller decides what a failure means for its row (StoreRetry tries again while the database is away).
                foreach (var w in batch)
                {
                    w.Done.SetException(e);
                }
            }
        }
    }

    /// <summary>
    /// Up to <see cref="MaxBatch"/> queued sends, at most one per target (one statement may not upsert a log entry
    /// twice), in the order they came; the others stay queued. Under the lock.
    /// </summary>
    private List<Waiting> Take()
    {
        var taken = new List<Waiting>();
        var targets = new HashSet<(string, string, string)>();
        for (var i = 0; i < _queue.Count && taken.Count < MaxBatch; i++)
        {
            var row = _queue[i].Send.Row;
            if (targets.Add((row.GroupKey, row.Receiver, row.Integration)))
            {
                taken.Add(_queue[i]);
            }
        }
        foreach (var w in taken)
        {
            _queue.Remove(w);
        }
        return taken;
    }

    /// <summary>One batch, one implicit transaction: all of it or nothing. Returns the ids of the rows deleted.</summary>
    private async Task<HashSet<long>> WriteAsync(List<FinishedSend> outcomes)
    {
        var now = time.GetUtcNow();
        var rows = outcomes.Select(o => o.Row).ToList();
        var sent = outcomes.Where(o => o.Success).Select(o => o.Row).ToList();
        var attempts = outcomes.Where(o => o.Attempt is not null).Select(o => (o.Row, o.Attempt!)).ToList();
        await using var conn = await db.OpenConnectionAsync();
        await using var batch = new NpgsqlBatch(conn);
        batch.BatchCommands.Add(OutboxStore.DeleteFinished(rows));
        if (sent.Count > 0)
        {
            batch.BatchCommands.Add(OutboxStore.LogSent(sent, now));
            batch.BatchCommands.Add(AlertRows.MarkNotified(
                [.. sent.SelectMany(r => r.Firing)],
                [.. sent.SelectMany(r => r.Firing.Select(_ => r.GroupKey))],
                [.. sent.SelectMany(r => r.Firing.Select(_ => $"notified {r.Receiver}/{r.Integration}"))],
                now));
        }
        if (attempts.Count > 0)
        {
            batch.BatchCommands.Add(AttemptLog.Insert(attempts));
        }
        batch.BatchCommands.Add(OutboxStore.HandBackReplaced(rows, instance.Name, now));
        var deleted = new HashSet<long>();
        await using var reader = await batch.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            deleted.Add(reader.GetInt64(0));
        }
        // Reading on surfaces a failed statement, and the commit, before anyone is told its row is recorded.
        while (await reader.NextResultAsync())
        {
        }
        return deleted;
    }
}
