namespace Alerting.Outbox;

/// <summary>
/// Sends an outbox row from this instance, without the bus: claims it (the claim decides who sends, as for a
/// message from the bus) and sends it in the background. <see cref="OutboxPublisher"/> uses it while the bus is down.
/// </summary>
internal interface IOutboxSender
{
    void SendHere(long outboxId);
}
