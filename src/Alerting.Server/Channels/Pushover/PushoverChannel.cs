using Alerting.Core.Configuration;

namespace Alerting.Channels.Pushover;

/// <summary>Alertmanager's Pushover receiver: an emergency-priority push while firing, a normal one once resolved.</summary>
internal sealed class PushoverChannel : NotificationChannel
{
    public const string Name = "pushover";

    public override string Kind => Name;

    public override IReadOnlyDictionary<string, string> SecretKeys { get; } =
        new Dictionary<string, string> { ["user_key"] = SecretMasker.Mask, ["token"] = SecretMasker.Mask };

    public override IntegrationConfig Read(MapReader entry, GlobalConfig global) => PushoverConfig.Read(entry, global);

    public override ResolvedNotifier Notifier(IntegrationConfig config, NotifierContext context) =>
        new(new PushoverNotifier((PushoverConfig)config, context.Clients, context.GoTemplates, context.Logger, context.Time), _ => "");

    public override string? Destination(IntegrationConfig config) => config is PushoverConfig p ? PushoverMessage.ApiUrl + " " + (p.UserKey ?? p.UserKeyFile) : null;
}
