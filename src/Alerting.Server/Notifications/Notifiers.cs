using Alerting.Channels;
using Alerting.Channels.Http;
using Alerting.Channels.Webhook;
using Alerting.Configuration;

namespace Alerting.Notifications;

/// <summary>A notifier with the renderer of its channel's message.</summary>
internal sealed record ResolvedNotifier(INotifier Notifier, Func<NotificationData, string> Render);

/// <summary>Finds the notifier for a receiver's integration in the running configuration.</summary>
internal sealed class Notifiers(ConfigHolder config, HttpClientProvider clients, TimeProvider time)
{
    public ResolvedNotifier? Find(string receiver, string integration)
    {
        var r = config.Current.Config.FindReceiver(receiver);
        var target = r is null ? null : Integrations.Of(r).FirstOrDefault(i => i.Name == integration);
        return target?.Config switch
        {
            WebhookConfig webhook => new ResolvedNotifier(
                new WebhookNotifier(webhook, clients, time),
                data => WebhookMessage.Serialize(data, webhook.MaxAlerts)),
            _ => null,
        };
    }
}
