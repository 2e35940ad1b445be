using Alerting.Core.Configuration;

namespace Alerting.Channels.MsTeamsV1;

/// <summary>Microsoft Teams connectors, as Alertmanager's msteams_configs: a MessageCard from Go templates.</summary>
internal sealed class MsTeamsV1Channel : NotificationChannel
{
    public const string Name = "msteams";

    public override string Kind => Name;

    public override IReadOnlyDictionary<string, string> SecretKeys { get; } = new Dictionary<string, string> { ["webhook_url"] = SecretMasker.Mask };

    public override IntegrationConfig Read(MapReader entry, GlobalConfig global) => MsTeamsV1Config.Read(entry, global);

    public override ResolvedNotifier Notifier(IntegrationConfig config, NotifierContext context) =>
        new(new MsTeamsV1Notifier((MsTeamsV1Config)config, context.Clients, context.GoTemplates, context.Time), _ => "");

    public override string? Destination(IntegrationConfig config) => config is MsTeamsV1Config m ? m.Url ?? m.UrlFile : null;
}
