namespace Alerting.Grouping;

/// <summary>
/// Wakes this instance's dispatcher when ingestion creates a group that is due at once (group_wait 0,
/// or an alert that started long ago), so the notification leaves in milliseconds, not at the next poll.
/// Other instances find such groups at their next poll.
/// </summary>
internal sealed class DispatchSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Set()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled; one wake-up is enough.
        }
    }

    /// <summary>Waits for a signal or <paramref name="timeout"/> on <paramref name="time"/> (the injected clock, not the machine's).</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken ct)
    {
        using var expiry = new CancellationTokenSource(timeout, time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(ct, expiry.Token);
        try
        {
            await _signal.WaitAsync(either.Token);
            return true;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }
}
