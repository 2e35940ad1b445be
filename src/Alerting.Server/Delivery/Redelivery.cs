using System.Collections.Concurrent;
using Alerting.Outbox;
using Alerting.Persistence;

namespace Alerting.Delivery;

/// <summary>
/// Retries, kept in the outbox so that they survive a restart: a failed attempt defers its row (the row stays ours,
/// unleased, until the retry is due) and a timer publishes it then. A success at a destination wakes the rows
/// deferred for it at once: they need not wait out their back-off, which may be the circuit's 30 s.
/// </summary>
internal sealed class Redelivery(OutboxStore store, StoreRetry retry, OutboxPublisher publisher, TimeProvider time, IHostApplicationLifetime lifetime)
{
    /// <summary>Rows deferred after a failed attempt, by destination.</summary>
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<long, byte>> _deferred = new(StringComparer.Ordinal);

    /// <summary>About 0.5 s × 1.5ⁿ (at most a minute, ±20%), or the receiver's Retry-After (at most 5 minutes).</summary>
    internal static TimeSpan Backoff(int attempt, TimeSpan? retryAfter)
    {
        if (retryAfter is { } after && after > TimeSpan.Zero)
        {
            return after < TimeSpan.FromMinutes(5) ? after : TimeSpan.FromMinutes(5);
        }
        var seconds = Math.Min(60, 0.5 * Math.Pow(1.5, attempt));
        return TimeSpan.FromSeconds(seconds * (0.8 + (Random.Shared.NextDouble() * 0.4)));
    }

    /// <summary>The row is being sent now: it no longer waits for its destination to wake it.</summary>
    public void Sending(string destination, long id)
    {
        if (_deferred.TryGetValue(destination, out var deferred))
        {
            deferred.TryRemove(id, out _);
        }
    }

    /// <summary>Defers the row and publishes it when <paramref name="delay"/> is over; false when the database stayed away.</summary>
    public async Task<bool> DeferAsync(long id, string destination, TimeSpan delay, CancellationToken ct)
    {
        if (!await retry.RunAsync(id, () => store.DeferAsync(id, delay, CancellationToken.None), ct))
        {
            return false;
        }
        _deferred.GetOrAdd(destination, _ => new()).TryAdd(id, 0);
        _ = PublishLaterAsync(id, delay);
        return true;
    }

    /// <summary>The destination answered: the rows deferred for it are published now.</summary>
    public void Answered(string destination)
    {
        if (_deferred.TryGetValue(destination, out var waiting) && !waiting.IsEmpty)
        {
            _ = WakeAsync(waiting);
        }
    }

    /// <summary>Publishes a row to the bus again (a newer snapshot is left to send).</summary>
    public Task<bool> PublishAsync(long id, CancellationToken ct) => publisher.PublishAsync(id, ct);

    private async Task WakeAsync(ConcurrentDictionary<long, byte> waiting)
    {
        long[] ids = [.. waiting.Keys];
        foreach (var id in ids)
        {
            waiting.TryRemove(id, out _);
        }
        try
        {
            var woken = await store.WakeAsync(ids, lifetime.ApplicationStopping);
            await publisher.PublishAllAsync([.. woken.Select(id => new PublishRow(id, null))], lifetime.ApplicationStopping);
        }
        catch (Exception e) when (DatabaseOutage.Is(e) || e is OperationCanceledException)
        {
            // They wake when their back-off ends, as they would have anyway.
        }
    }

    /// <summary>Publishes the row again when its retry is due; on shutdown, the lease simply runs out.</summary>
    private async Task PublishLaterAsync(long id, TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, time, lifetime.ApplicationStopping);
            await publisher.PublishAsync(id, lifetime.ApplicationStopping);
        }
        catch (OperationCanceledException)
        {
            // Shutting down: the sweeper of whichever instance runs next picks the row up.
        }
    }
}
