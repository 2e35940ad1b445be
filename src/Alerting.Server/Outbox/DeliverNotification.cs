using MassTransit;

namespace Alerting.Outbox;

/// <summary>The bus message: deliver the outbox row with this id. The row, not the message, holds the content.</summary>
/// <remarks>
/// Its names on the wire are those of its first home, Alerting.Notifications: instances of the previous release and of
/// this one then share a RabbitMQ during a rolling upgrade.
/// </remarks>
[MessageUrn("Alerting.Notifications:DeliverNotification")]
[EntityName("Alerting.Notifications:DeliverNotification")]
public sealed record DeliverNotification(long OutboxId)
{
    /// <summary>
    /// The W3C traceparent stored with the row: the send joins the trace of the flush that decided it, on whichever
    /// instance consumes this. Optional, so the previous release's messages (and instances) still get along.
    /// </summary>
    public string? TraceParent { get; init; }
}
