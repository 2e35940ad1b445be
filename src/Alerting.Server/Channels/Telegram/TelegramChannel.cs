using Alerting.Core.Configuration;

namespace Alerting.Channels.Telegram;

/// <summary>Telegram bots, as Alertmanager's telegram_configs: sendMessage with a message from a Go template.</summary>
internal sealed class TelegramChannel : NotificationChannel
{
    public const string Name = "telegram";

    public override string Kind => Name;

    public override IReadOnlyDictionary<string, string> SecretKeys { get; } = new Dictionary<string, string> { ["bot_token"] = SecretMasker.Mask };

    public override IReadOnlyCollection<string> GlobalSecretKeys { get; } = ["telegram_bot_token"];

    public override object ReadGlobal(MapReader? global) => TelegramDefaults.Read(global);

    public override IntegrationConfig Read(MapReader entry, GlobalConfig global) => TelegramConfig.Read(entry, global);

    public override ResolvedNotifier Notifier(IntegrationConfig config, NotifierContext context) =>
        new(new TelegramNotifier((TelegramConfig)config, context.Clients, context.GoTemplates, context.Time), _ => "");

    public override string? Destination(IntegrationConfig config) => config is TelegramConfig t ? $"{t.ApiUrl}|{t.ChatId}|{t.ChatIdFile}" : null;
}
