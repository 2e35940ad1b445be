using System.Diagnostics;
using Alerting.Telemetry;
using MassTransit;

namespace Alerting.Outbox;

/// <summary>
/// Publishes outbox rows to the bus (MassTransit: in memory by default, RabbitMQ when configured), and
/// re-publishes rows whose lease ran out: a crash between commit and publish, or mid-send, delays a
/// notification but never loses it. Delivery is at least once; the notification log makes it effectively once.
/// When the bus is down, publishing stops at the first failure and rows wait in the outbox; the sweeper probes
/// the bus with the oldest row and, once that goes through, publishes everything that waited.
/// </summary>
internal sealed class OutboxPublisher(IServiceProvider services, OutboxStore store, TimeProvider time, ILogger<OutboxPublisher> log) : BackgroundService
{
    /// <summary>How long a fresh row waits for its first publish before the sweeper takes it.</summary>
    public static readonly TimeSpan PublishGrace = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(5);

    /// <summary>While the database or the bus is failing, the sweeper tries this often.</summary>
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);

    /// <summary>A publish to a broker that is down may wait for it to come back; we do not.</summary>
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(3);

    /// <summary>
    /// After the database was unreachable, rows other instances hold are left to them this long: their leases ran
    /// out during the outage only because nobody could renew them, and their owners renew them within a second.
    /// </summary>
    private static readonly TimeSpan OwnedGraceAfterOutage = TimeSpan.FromSeconds(5);

    /// <summary>Whether the last publish failed; until one succeeds, only the sweeper publishes.</summary>
    private volatile bool _busDown;
    private DateTimeOffset _storeBackAt = DateTimeOffset.MinValue;

    /// <summary>Publishes one row. Returns false when it was not published (the sweeper will).</summary>
    public Task<bool> PublishAsync(long outboxId, CancellationToken ct) => PublishAsync(new PublishRow(outboxId, null), ct);

    public Task<bool> PublishAsync(PublishRow row, CancellationToken ct) => _busDown ? Task.FromResult(false) : TryPublishAsync(row, ct);

    /// <summary>Publishes rows concurrently; a bus that is down costs at most one publish timeout.</summary>
    public async Task PublishAllAsync(IReadOnlyList<PublishRow> rows, CancellationToken ct)
    {
        if (rows.Count > 0 && !_busDown)
        {
            await Task.WhenAll(rows.Select(row => PublishAsync(row, ct)));
        }
    }

    private async Task<bool> TryPublishAsync(PublishRow row, CancellationToken ct)
    {
        var outboxId = row.Id;
        // In the row's trace: MassTransit's send span, and the consumer's on the other side, hang below this one.
        using var span = AlertingActivities.StartFrom("outbox.publish", row.TraceParent, ActivityKind.Producer);
        span?.SetTag(AlertingActivities.OutboxId, outboxId);
        try
        {
            // Resolved per call: the bus is a singleton, but is started by its own hosted service.
            var bus = services.GetRequiredService<IBus>();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(PublishTimeout);
            // WaitAsync as well: a publish waiting for a broker connection may not watch its token.
            await bus.Publish(new DeliverNotification(outboxId) { TraceParent = row.TraceParent }, timeout.Token).WaitAsync(PublishTimeout, time, ct);
            if (_busDown)
            {
                _busDown = false;
                log.LogInformation("Publishing to the bus works again");
            }
            return true;
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // The row stays; the sweeper publishes it once the bus takes messages again.
            span?.SetStatus(ActivityStatusCode.Error, e.Message);
            if (!_busDown)
            {
                _busDown = true;
                log.LogWarning("Publishing outbox row {Id} failed; notifications wait in the outbox until the bus is back: {Error}", outboxId, e.Message);
            }
            return false;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var storeFailed = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var ownedToo = !storeFailed && time.GetUtcNow() - _storeBackAt >= OwnedGraceAfterOutage;
                await SweepAsync(ownedToo, stoppingToken);
                if (storeFailed)
                {
                    storeFailed = false;
                    _storeBackAt = time.GetUtcNow();
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning("Outbox sweep failed: {Error}", e.Message);
                storeFailed = true;
            }
            try
            {
                await Task.Delay(storeFailed || _busDown ? RetryInterval : SweepInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Publishes every row that is nobody's to send: its lease ran out (a crash, a failed publish) or, while the
    /// bus is down, it was never published. Stops at the first failed publish. Returns how many were published.
    /// </summary>
    /// <param name="ownedToo">Whether rows another sender held, whose lease ran out, are taken too.</param>
    public async Task<int> SweepAsync(bool ownedToo, CancellationToken ct)
    {
        var ids = await store.UnsentAsync(_busDown, ownedToo, ct);
        if (ids.Count == 0)
        {
            return 0;
        }
        // The first alone: if the bus is down, that is one timeout, not a thousand.
        if (!await TryPublishAsync(ids[0], ct))
        {
            return 0;
        }
        await PublishAllAsync(ids[1..], ct);
        return ids.Count;
    }
}
