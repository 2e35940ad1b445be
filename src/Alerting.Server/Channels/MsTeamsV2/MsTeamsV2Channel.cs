using Alerting.Core.Configuration;

namespace Alerting.Channels.MsTeamsV2;

/// <summary>Microsoft Teams through Power Automate workflows, as Alertmanager's msteamsv2_configs: an Adaptive Card from Go templates.</summary>
internal sealed class MsTeamsV2Channel : NotificationChannel
{
    public const string Name = "msteamsv2";

    public override string Kind => Name;

    public override IReadOnlyDictionary<string, string> SecretKeys { get; } = new Dictionary<string, string> { ["webhook_url"] = SecretMasker.Mask };

    public override IntegrationConfig Read(MapReader entry, GlobalConfig global) => MsTeamsV2Config.Read(entry, global);

    public override ResolvedNotifier Notifier(IntegrationConfig config, NotifierContext context) =>
        new(new MsTeamsV2Notifier((MsTeamsV2Config)config, context.Clients, context.GoTemplates, context.Time), _ => "");

    public override string? Destination(IntegrationConfig config) => config is MsTeamsV2Config m ? m.Url ?? m.UrlFile : null;
}
