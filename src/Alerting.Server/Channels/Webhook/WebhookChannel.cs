using Alerting.Core.Configuration;

namespace Alerting.Channels.Webhook;

/// <summary>Alertmanager's webhook: its payload (version 4) is the body the engine renders, unless the config sets its own <c>payload</c> (Go templates); its URL may hold templates.</summary>
internal sealed class WebhookChannel : NotificationChannel
{
    public const string Name = "webhook";

    public override string Kind => Name;

    // Alertmanager 0.25's webhook url is a plain URL, not a secret one: its mask must still parse as a URL.
    public override IReadOnlyDictionary<string, string> SecretKeys { get; } = new Dictionary<string, string> { ["url"] = SecretMasker.UrlMask };

    public override IntegrationConfig Read(MapReader entry, GlobalConfig global) => WebhookConfig.Read(entry, global);

    public override ResolvedNotifier Notifier(IntegrationConfig config, NotifierContext context)
    {
        var webhook = (WebhookConfig)config;
        return new ResolvedNotifier(
            new WebhookNotifier(webhook, context.Clients, context.Time, data => context.Templates(data, null).Go),
            data => WebhookMessage.Serialize(data, webhook.MaxAlerts));
    }

    public override string? Destination(IntegrationConfig config) => config is WebhookConfig w ? w.Url ?? w.UrlFile : null;
}
