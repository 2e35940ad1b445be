using Alerting.Core.Configuration;

namespace Alerting.Channels.Webex;

/// <summary>Webex rooms, as Alertmanager's webex_configs: markdown from a Go template, the bot's token in http_config.</summary>
internal sealed class WebexChannel : NotificationChannel
{
    public const string Name = "webex";

    public override string Kind => Name;

    public override object ReadGlobal(MapReader? global) => WebexDefaults.Read(global);

    public override IntegrationConfig Read(MapReader entry, GlobalConfig global) => WebexConfig.Read(entry, global);

    public override ResolvedNotifier Notifier(IntegrationConfig config, NotifierContext context) =>
        new(new WebexNotifier((WebexConfig)config, context.Clients, context.GoTemplates, context.Time), _ => "");

    public override string? Destination(IntegrationConfig config) => config is WebexConfig w ? $"{w.ApiUrl}|{w.RoomId}" : null;
}
