using Alerting.Core.Configuration;

namespace Alerting.Channels.RocketChat;

/// <summary>Alertmanager's Rocket.Chat integration (0.28+): chat.postMessage with a user's token, texts from Go templates.</summary>
internal sealed class RocketChatChannel : NotificationChannel
{
    public const string Name = "rocketchat";

    public override string Kind => Name;

    public override IReadOnlyDictionary<string, string> SecretKeys { get; } = new Dictionary<string, string>
    {
        ["token"] = SecretMasker.Mask,
        ["token_id"] = SecretMasker.Mask,
    };

    public override IReadOnlyCollection<string> GlobalSecretKeys { get; } = ["rocketchat_token", "rocketchat_token_id"];

    public override object ReadGlobal(MapReader? global) => RocketChatDefaults.Read(global);

    public override IntegrationConfig Read(MapReader entry, GlobalConfig global) => RocketChatConfig.Read(entry, global);

    public override ResolvedNotifier Notifier(IntegrationConfig config, NotifierContext context) =>
        new(new RocketChatNotifier((RocketChatConfig)config, context.Clients, context.GoTemplates, context.Time), _ => "");

    public override string? Destination(IntegrationConfig config) => config is RocketChatConfig r ? r.ApiUrl : null;
}
