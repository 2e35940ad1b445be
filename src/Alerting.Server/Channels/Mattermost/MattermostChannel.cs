using Alerting.Core.Configuration;

namespace Alerting.Channels.Mattermost;

/// <summary>Alertmanager's Mattermost integration (0.30+): an incoming webhook, texts from Go templates.</summary>
internal sealed class MattermostChannel : NotificationChannel
{
    public const string Name = "mattermost";

    public override string Kind => Name;

    // A SecretURL in Alertmanager: its mask is "<secret>", which the reader accepts back.
    public override IReadOnlyDictionary<string, string> SecretKeys { get; } = new Dictionary<string, string> { ["webhook_url"] = SecretMasker.Mask };

    public override IReadOnlyCollection<string> GlobalSecretKeys { get; } = ["mattermost_webhook_url"];

    public override object ReadGlobal(MapReader? global) => MattermostDefaults.Read(global);

    public override IntegrationConfig Read(MapReader entry, GlobalConfig global) => MattermostConfig.Read(entry, global);

    public override ResolvedNotifier Notifier(IntegrationConfig config, NotifierContext context) =>
        new(new MattermostNotifier((MattermostConfig)config, context.Clients, context.GoTemplates, context.Time), _ => "");

    public override string? Destination(IntegrationConfig config) => config is MattermostConfig m ? m.Url ?? m.UrlFile : null;
}
