using MassTransit;
using Npgsql;
using NpgsqlTypes;

namespace Alerting.Notifications;

/// <summary>The bus message: deliver the outbox row with this id. The row, not the message, holds the content.</summary>
public sealed record DeliverNotification(long OutboxId);

/// <summary>
/// Publishes outbox rows to the bus (MassTransit: in memory by default, RabbitMQ when configured), and
/// re-publishes rows whose lease ran out: a crash between commit and publish, or mid-send, delays a
/// notification but never loses it. Delivery is at least once; the notification log makes it effectively once.
/// </summary>
internal sealed class OutboxPublisher(IServiceProvider services, NpgsqlDataSource db, TimeProvider time, ILogger<OutboxPublisher> log) : BackgroundService
{
    /// <summary>How long a fresh row waits for its first publish before the sweeper takes it.</summary>
    public static readonly TimeSpan PublishGrace = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(5);

    public async Task PublishAsync(long outboxId, CancellationToken ct)
    {
        try
        {
            // Resolved per call: the bus is a singleton, but is started by its own hosted service.
            await services.GetRequiredService<IBus>().Publish(new DeliverNotification(outboxId), ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The row stays; the sweeper publishes it once its grace has passed.
            log.LogWarning("Publishing outbox row {Id} failed, the sweeper will retry: {Error}", outboxId, e.Message);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(SweepInterval, time);
        while (await WaitAsync(timer, stoppingToken))
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning("Outbox sweep failed: {Error}", e.Message);
            }
        }
    }

    /// <summary>Publishes every row whose lease has expired. Returns how many.</summary>
    public async Task<int> SweepAsync(CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT id FROM outbox WHERE lease_until IS NULL OR lease_until < $1 ORDER BY id LIMIT 1000");
        cmd.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow().UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        var ids = new List<long>();
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                ids.Add(reader.GetInt64(0));
            }
        }
        foreach (var id in ids)
        {
            await PublishAsync(id, ct);
        }
        return ids.Count;
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            return await timer.WaitForNextTickAsync(ct);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}

/// <summary>MassTransit's entry point; the work is in <see cref="Delivery"/>.</summary>
internal sealed class DeliverNotificationConsumer(Delivery delivery) : IConsumer<DeliverNotification>
{
    public Task Consume(ConsumeContext<DeliverNotification> context) => delivery.DeliverAsync(context.Message.OutboxId, context.CancellationToken);
}
