using System.Runtime.CompilerServices;
using Alerting.Core.Configuration;

namespace Alerting.Channels.WeChat;

/// <summary>WeChat Work application messages, as Alertmanager's wechat_configs: an access token, then message/send.</summary>
internal sealed class WeChatChannel : NotificationChannel
{
    public const string Name = "wechat";

    // One token per entry of the running configuration; a reload's new entries start without one.
    private readonly ConditionalWeakTable<WeChatConfig, WeChatTokenCache> _tokens = [];

    public override string Kind => Name;

    public override IReadOnlyDictionary<string, string> SecretKeys { get; } = new Dictionary<string, string> { ["api_secret"] = SecretMasker.Mask };

    public override IReadOnlyCollection<string> GlobalSecretKeys { get; } = ["wechat_api_secret"];

    public override object ReadGlobal(MapReader? global) => WeChatDefaults.Read(global);

    public override IntegrationConfig Read(MapReader entry, GlobalConfig global) => WeChatConfig.Read(entry, global);

    public override ResolvedNotifier Notifier(IntegrationConfig config, NotifierContext context)
    {
        var wechat = (WeChatConfig)config;
        return new(new WeChatNotifier(wechat, _tokens.GetOrCreateValue(wechat), context.Clients, context.GoTemplates, context.Time), _ => "");
    }

    public override string? Destination(IntegrationConfig config) => config is WeChatConfig w ? $"{w.ApiUrl}|{w.CorpId}|{w.AgentId}" : null;
}
