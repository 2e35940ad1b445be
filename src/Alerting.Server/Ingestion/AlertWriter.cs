using System.Threading.Channels;
using Alerting.Configuration;
using Alerting.Grouping;
using Alerting.Persistence;
using Npgsql;
using Polly;
using Polly.Retry;

namespace Alerting.Ingestion;

/// <summary>
/// Durable alert ingestion with group commit: concurrent requests enqueue their alerts, a writer
/// drains whatever is queued and upserts it as a set in one transaction, then answers every request
/// (two writers, each with its own share of the fingerprints, see <see cref="Shards"/>).
/// A request is acknowledged only after the commit, so a 200 never loses an alert, and a busy
/// instance pays one round trip per batch rather than per alert. Merging follows Alertmanager's rules
/// and is computed in SQL, so several instances sharing the database agree on the result.
/// A re-send that the stored row already covers (<see cref="EndsAtLag"/>) is answered at once: the
/// <see cref="StoredAlertCache"/> proves there is nothing to write, so there is nothing to wait for.
/// </summary>
internal sealed class AlertWriter(BatchWriter batches, GenericPlanDb writerDb, GroupRouter router, StoredAlertCache cache,
    InstanceInfo instance, TimeProvider time, ILogger<AlertWriter> log) : BackgroundService
{
    /// <summary>
    /// Alerts gathered into one statement, at most (a request is never split). Past a few hundred the commit is already
    /// shared; a statement of 10k alerts made the backend's executor grow to tens of MB, which glibc then kept in that
    /// backend (60 MB in each writer's backend in the soak), and made arrays on the large-object heap here.
    /// </summary>
    private const int MaxBatch = 2_000;

    /// <summary>
    /// Writers working at once, each on its own share of the fingerprints. A PostgreSQL backend runs a statement on one
    /// core, so a single writer left the other idle while new alerts queued (bench/findings.md). An alert always goes
    /// to the same writer, so its writes stay in order; groups both writers create are inserted in key order, so
    /// neither waits on the other in a circle.
    /// </summary>
    internal const int Shards = 2;

    private readonly Channel<WriteRequest>[] _queues = [.. Enumerable.Range(0, Shards).Select(_ => Channel.CreateBounded<WriteRequest>(
        new BoundedChannelOptions(10_000) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait }))];

    internal static int ShardOf(ulong fingerprint) => (int)(fingerprint % Shards);

    private readonly ResiliencePipeline _deadlockRetry = DeadlockRetry(log);

    /// <summary>Stores the alerts; completes once they are committed. Throws when the database is unavailable.</summary>
    public async Task WriteAsync(IReadOnlyList<StoredAlert> alerts, CancellationToken ct)
    {
        if (alerts.Count == 0)
        {
            return;
        }
        using var span = Telemetry.AlertingActivities.Source.StartActivity("alerts.store");
        span?.SetTag(Telemetry.AlertingActivities.Alerts, alerts.Count);
        if (cache.Enabled)
        {
            var now = time.GetUtcNow();
            List<StoredAlert>? news = null;
            for (var i = 0; i < alerts.Count; i++)
            {
                if (cache.Covers(alerts[i], now))
                {
                    news ??= [.. alerts.Take(i)];
                }
                else
                {
                    news?.Add(alerts[i]);
                }
            }
            if (news is not null)
            {
                if (news.Count == 0)
                {
                    return;
                }
                alerts = news;
            }
        }
        var first = ShardOf(alerts[0].Alert.Fingerprint);
        var split = false;
        for (var i = 1; i < alerts.Count && !split; i++)
        {
            split = ShardOf(alerts[i].Alert.Fingerprint) != first;
        }
        if (!split)
        {
            var request = new WriteRequest(alerts);
            await _queues[first].Writer.WriteAsync(request, ct);
            await request.Done.Task.WaitAsync(ct);
            return;
        }
        await WriteSplitAsync(alerts, ct);
    }

    /// <summary>
    /// A request whose alerts belong to several writers: each writes its share in its own transaction, and the answer
    /// waits for all. An outage anywhere is answered 503, so the sender sends the whole request again (writing a stored
    /// alert again changes nothing); a refusal of data says what was stored all the same. A new group due at once is
    /// held (leased, so no flush takes it) until every share is in, then freed for the dispatcher: its first
    /// notification holds all of the request's alerts, as when one transaction wrote them.
    /// </summary>
    private async Task WriteSplitAsync(IReadOnlyList<StoredAlert> alerts, CancellationToken ct)
    {
        var shares = new List<StoredAlert>?[Shards];
        foreach (var a in alerts)
        {
            (shares[ShardOf(a.Alert.Fingerprint)] ??= []).Add(a);
        }
        var requests = new List<WriteRequest>(Shards);
        for (var i = 0; i < Shards; i++)
        {
            if (shares[i] is { } share)
            {
                var request = new WriteRequest(share) { Split = true };
                requests.Add(request);
                await _queues[i].Writer.WriteAsync(request, ct);
            }
        }
        try
        {
            await Task.WhenAll(requests.Select(r => r.Done.Task)).WaitAsync(ct);
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            var refused = requests.Where(r => r.Done.Task.IsFaulted).ToList();
            var failures = refused.Select(r => r.Done.Task.Exception!.InnerException!).ToList();
            if (failures.FirstOrDefault(e => e is not AlertsRefusedException) is { } outage)
            {
                throw outage;
            }
            var stored = requests.Where(r => r.Done.Task.IsCompletedSuccessfully).Sum(r => r.Alerts.Count);
            if (stored == 0)
            {
                throw failures[0];
            }
            throw new AlertsRefusedException($"the database refused {refused.Sum(r => r.Alerts.Count)} of these {alerts.Count} alerts: "
                + $"{string.Join("; ", refused.Select(r => r.Refusal).Distinct())}; the other {stored} were stored");
        }
        finally
        {
            await FreeHeldAsync(requests);
        }
    }

    /// <summary>The lease owner of new groups held while a request's other shares are written.</summary>
    private string HoldOwner => instance.Name + "/held";

    /// <summary>
    /// Frees the groups the shares' batches held once no request of those batches has a share left to write. One that
    /// cannot be freed now (the database is away, the request was cancelled) is freed by its lease.
    /// </summary>
    private async Task FreeHeldAsync(List<WriteRequest> requests)
    {
        if (requests.Any(r => !r.Done.Task.IsCompleted))
        {
            return;
        }
        var keys = new List<string>();
        var routes = new List<string>();
        foreach (var hold in requests.SelectMany(r => r.Holds))
        {
            if (Interlocked.Decrement(ref hold.Pending) == 0)
            {
                keys.AddRange(hold.Keys);
                routes.AddRange(hold.Routes);
            }
        }
        if (keys.Count == 0)
        {
            return;
        }
        try
        {
            await using var cmd = GroupRows.ReleaseHeld(writerDb.Source, keys, routes, HoldOwner);
            await cmd.ExecuteNonQueryAsync(CancellationToken.None);
            router.SignalDue();
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            log.LogWarning("Freeing {Count} new groups held for a request's other alerts failed; their lease frees them: {Error}", keys.Count, e.Message);
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_queues.Select(q => Task.Run(() => RunAsync(q.Reader, stoppingToken), CancellationToken.None)));

    private async Task RunAsync(ChannelReader<WriteRequest> reader, CancellationToken stoppingToken)
    {
        var batch = new List<WriteRequest>();
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                batch.Clear();
                var count = 0;
                while (count < MaxBatch && reader.TryRead(out var request))
                {
                    batch.Add(request);
                    count += request.Alerts.Count;
                }
                // A batch that has begun is finished and answered, not cut off by shutdown: stopped after its COMMIT,
                // it would answer 503 for stored alerts and leave its claims and hand-offs to their leases.
                await StoreAsync(batch, count, CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        // Nothing queued may be left waiting forever on shutdown.
        while (reader.TryRead(out var leftover))
        {
            leftover.Done.TrySetException(new StoreUnavailableException("the service is shutting down", null));
        }
    }

    /// <summary>
    /// Errors about the data itself (SQLSTATE classes 22, data exception, 23, integrity constraint, and 54,
    /// program limit): the same data fails again. Anything else, a read-only standby after a failover say, is an
    /// outage: answered 503, which Prometheus retries, never 400, on which it drops the alerts.
    /// </summary>
    private static bool RefusedData(PostgresException e) => e.SqlState.StartsWith("22", StringComparison.Ordinal)
        || e.SqlState.StartsWith("23", StringComparison.Ordinal) || e.SqlState.StartsWith("54", StringComparison.Ordinal);

    private static bool Deadlocked(Exception e) =>
        (e as PostgresException ?? e.InnerException as PostgresException)?.SqlState == PostgresErrorCodes.DeadlockDetected;

    private static readonly ResiliencePropertyKey<int> BatchSize = new("alerting.batch-size");

    /// <summary>A batch rolled back to end a deadlock is written once more, at once.</summary>
    private static ResiliencePipeline DeadlockRetry(ILogger log) => new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(Deadlocked),
            MaxRetryAttempts = 1,
            Delay = TimeSpan.Zero,
            OnRetry = args =>
            {
                log.LogInformation("Storing {Count} alerts met a deadlock and was rolled back; writing them again",
                    args.Context.Properties.GetValue(BatchSize, 0));
                return ValueTask.CompletedTask;
            },
        })
        .Build();

    /// <summary>Writes a batch and answers each of its requests.</summary>
    private async Task StoreAsync(List<WriteRequest> batch, int count, CancellationToken ct)
    {
        try
        {
            // PostgreSQL may choose this transaction to end a deadlock (with the other writer over acknowledged groups,
            // or with a dispatcher pass) and roll it back: nothing of it is stored, and once more will do (Polly).
            var context = ResilienceContextPool.Shared.Get(ct);
            context.Properties.Set(BatchSize, count);
            try
            {
                await _deadlockRetry.ExecuteAsync(async (_, state) => await state.batches.WriteAsync(state.batch, state.owner, state.ct),
                    context, (batches, batch, owner: HoldOwner, ct));
            }
            finally
            {
                ResilienceContextPool.Shared.Return(context);
            }
            foreach (var r in batch)
            {
                r.Done.TrySetResult();
            }
        }
        catch (PostgresException e) when (RefusedData(e) && batch.Count > 1)
        {
            // PostgreSQL refused something in the batch, not the batch: one sender's bad data must not
            // cost every other sender a 503. Each request is written on its own to find the culprit.
            log.LogWarning("Storing a batch of {Count} alerts was refused ({Error}); writing its {Requests} requests one by one",
                count, e.MessageText, batch.Count);
            foreach (var r in batch)
            {
                await StoreAsync([r], r.Alerts.Count, ct);
            }
        }
        catch (PostgresException e) when (RefusedData(e))
        {
            log.LogWarning("Refused {Count} alerts the database would not store: {Error}", count, e.MessageText);
            batch[0].Refusal = e.MessageText;
            batch[0].Done.TrySetException(new AlertsRefusedException($"the database refused these alerts, nothing was stored: {e.MessageText}"));
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            log.LogWarning("Storing {Count} alerts failed: {Error}", count, e.Message);
            foreach (var r in batch)
            {
                r.Done.TrySetException(new StoreUnavailableException("the alert store is unavailable", e));
            }
        }
    }
}
