using Alerting.Persistence;

namespace Alerting.Outbox;

/// <summary>
/// Keeps the leases of the outbox rows this instance is sending alive, in one statement every few seconds.
/// The lease can then be short (a crashed sender's rows come back within <see cref="OutboxStore.Lease"/>) and still
/// outlast the longest attempt and the retries that follow it.
/// </summary>
internal sealed class OutboxLeases(OutboxStore store, InFlightRows inFlight, TimeProvider time, ILogger<OutboxLeases> log) : BackgroundService
{
    internal static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    /// <summary>After a failure, sooner: once the database is back, our leases must be renewed before others sweep them.</summary>
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = Interval;
            try
            {
                await RenewAsync(stoppingToken);
            }
            catch (Exception e) when (DatabaseOutage.Is(e) && !stoppingToken.IsCancellationRequested)
            {
                log.LogWarning("Renewing outbox leases failed: {Error}", e.Message);
                wait = RetryInterval;
            }
            try
            {
                await Task.Delay(wait, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async Task RenewAsync(CancellationToken ct)
    {
        var ids = inFlight.Ids;
        if (ids.Length > 0)
        {
            await store.RenewAsync(ids, ct);
        }
    }
}
