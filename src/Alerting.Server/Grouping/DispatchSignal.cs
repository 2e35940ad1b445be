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

    public Task<bool> WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken ct) =>
        _signal.WaitAsync(timeout, ct);
}
