using System.Diagnostics;
using Alerting.Configuration;
using Alerting.Telemetry;
using MassTransit;

namespace Alerting.Outbox;

/// <summary>
/// Publishes outbox rows to the bus (MassTransit: in memory by default, RabbitMQ when configured), and
/// re-publishes rows whose lease ran out: a crash between commit and publish, or mid-send, delays a
/// notification but never loses it. Delivery is at least once; the notification log makes it effectively once.
/// While the bus is down (a publish failed, or MassTransit reports its RabbitMQ connection or receive endpoint
/// unhealthy), rows are not left waiting for it: they are claimed and sent here (<see cref="IOutboxSender"/>), the
/// claim deciding who sends as it does for the bus's messages. MassTransit reconnects to a broker that came back only
/// after a back-off of up to 30 s that cannot be configured; meanwhile this instance sends what falls due.
/// </summary>
internal sealed class OutboxPublisher(IServiceProvider services, OutboxStore store, ServerOptions options, TimeProvider time, ILogger<OutboxPublisher> log)
    : BackgroundService
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

    /// <summary>Whether the last publish failed; until one succeeds, rows are sent here and only the sweeper publishes.</summary>
    private volatile bool _busDown;
    private volatile bool _unhealthy;
    private DateTimeOffset _storeBackAt = DateTimeOffset.MinValue;

    /// <summary>
    /// Whether MassTransit reports the RabbitMQ bus (its connection and receive endpoint) healthy: a publish may go
    /// through before the receive endpoint is back, and its message would then wait for it. The in-memory bus is
    /// always taken as healthy: it has no connection to lose, and its rows are handed to delivery at commit anyway.
    /// </summary>
    private bool Healthy
    {
        get
        {
            var healthy = options.RabbitMqUrl is null || services.GetRequiredService<IBusControl>().CheckHealth().Status == BusHealthStatus.Healthy;
            if (healthy == _unhealthy)
            {
                _unhealthy = !healthy;
                if (healthy)
                {
                    log.LogInformation("The bus reports healthy again");
                }
                else
                {
                    log.LogWarning("The bus reports unhealthy; notifications are sent from this instance until it is back");
                }
            }
            return healthy;
        }
    }

    /// <summary>Whether rows go to the bus now; otherwise they are sent here.</summary>
    private bool BusUsable => !_busDown && Healthy;

    /// <summary>Publishes one row, or sends it here while the bus is down. Returns false when neither happened (the sweeper will).</summary>
    public Task<bool> PublishAsync(long outboxId, CancellationToken ct) => PublishAsync(new PublishRow(outboxId, null), ct);

    /// <inheritdoc cref="PublishAsync(long, CancellationToken)"/>
    public Task<bool> PublishAsync(PublishRow row, CancellationToken ct)
    {
        if (BusUsable)
        {
            return TryPublishAsync(row, ct);
        }
        SendHere(row);
        return Task.FromResult(true);
    }

    /// <summary>Publishes rows concurrently; a bus that is down costs at most one publish timeout.</summary>
    public async Task PublishAllAsync(IReadOnlyList<PublishRow> rows, CancellationToken ct)
    {
        if (rows.Count > 0)
        {
            await Task.WhenAll(rows.Select(row => PublishAsync(row, ct)));
        }
    }

    private void SendHere(PublishRow row) => services.GetRequiredService<IOutboxSender>().SendHere(row.Id);

    /// <summary>Publishes one row; when that fails, the bus counts as down and the row is sent here. False only on shutdown.</summary>
    private async Task<bool> TryPublishAsync(PublishRow row, CancellationToken ct)
    {
        if (await PublishToBusAsync(row, ct))
        {
            return true;
        }
        if (ct.IsCancellationRequested)
        {
            return false;
        }
        SendHere(row);
        return true;
    }

    private async Task<bool> PublishToBusAsync(PublishRow row, CancellationToken ct)
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
            span?.SetStatus(ActivityStatusCode.Error, e.Message);
            if (!_busDown)
            {
                _busDown = true;
                log.LogWarning("Publishing outbox row {Id} failed; notifications are sent from this instance until the bus is back: {Error}", outboxId, e.Message);
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
                await Task.Delay(storeFailed || _busDown || _unhealthy ? RetryInterval : SweepInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Publishes every row that is nobody's to send: its lease ran out (a crash, a failed publish) or, while the bus is
    /// down, it was never published; while the bus is down they are sent here instead. Returns how many were taken.
    /// </summary>
    /// <param name="ownedToo">Whether rows another sender held, whose lease ran out, are taken too.</param>
    public async Task<int> SweepAsync(bool ownedToo, CancellationToken ct)
    {
        var healthy = Healthy;
        var ids = await store.UnsentAsync(_busDown || !healthy, ownedToo, ct);
        var taken = ids.Count;
        if (taken == 0)
        {
            return 0;
        }
        if (healthy && _busDown)
        {
            // The bus says it is back: the first row alone tells whether publishing works again (one timeout if not).
            if (!await PublishToBusAsync(ids[0], ct))
            {
                // Still down: everything is sent here.
                ids.ForEach(SendHere);
                return taken;
            }
            ids.RemoveAt(0);
        }
        await PublishAllAsync(ids, ct);
        return taken;
    }
}
