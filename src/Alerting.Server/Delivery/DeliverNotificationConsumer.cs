using Alerting.Outbox;
using MassTransit;

namespace Alerting.Delivery;

/// <summary>MassTransit's entry point; the work is in <see cref="Deliverer"/>.</summary>
internal sealed class DeliverNotificationConsumer(Deliverer deliverer) : IConsumer<DeliverNotification>
{
    public Task Consume(ConsumeContext<DeliverNotification> context) => deliverer.DeliverAsync(context.Message.OutboxId, context.CancellationToken);
}
