using Alerting.Core.Configuration;

namespace Alerting.Channels.Discord;

/// <summary>Discord webhooks, as Alertmanager's discord_configs: one embed with a title and message from Go templates.</summary>
internal sealed class DiscordChannel : NotificationChannel
{
    public const string Name = "discord";

    public override string Kind => Name;

    public override IReadOnlyDictionary<string, string> SecretKeys { get; } = new Dictionary<string, string> { ["webhook_url"] = SecretMasker.Mask };

    public override IntegrationConfig Read(MapReader entry, GlobalConfig global) => DiscordConfig.Read(entry, global);

    public override ResolvedNotifier Notifier(IntegrationConfig config, NotifierContext context) =>
        new(new DiscordNotifier((DiscordConfig)config, context.Clients, context.GoTemplates, context.Time), _ => "");

    public override string? Destination(IntegrationConfig config) => config is DiscordConfig d ? d.Url ?? d.UrlFile : null;
}
