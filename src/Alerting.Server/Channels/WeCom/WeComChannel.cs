using Alerting.Core.Configuration;
using Alerting.Templating;

namespace Alerting.Channels.WeCom;

/// <summary>Our extension: WeCom (企业微信) group robots, with a markdown or text message from a template.</summary>
internal sealed class WeComChannel : NotificationChannel
{
    public const string Name = "wecom";

    public override string Kind => Name;

    /// <summary>Templates written for prometheus-webhook-dingtalk (sprig's functions, its default.tmpl) run unchanged.</summary>
    public override bool SprigFunctions => true;

    public override IReadOnlyDictionary<string, string> SecretKeys { get; } =
        new Dictionary<string, string> { ["url"] = SecretMasker.Mask, ["key"] = SecretMasker.Mask };

    public override IReadOnlyList<ChannelTemplate> Templates { get; } =
    [
        new("wecom.markdown", ChannelTemplate.Unescaped),
        new("wecom.text", ChannelTemplate.Unescaped),
    ];

    public override IntegrationConfig Read(MapReader entry, GlobalConfig global) => WeComConfig.Read(entry, global);

    public override ResolvedNotifier Notifier(IntegrationConfig config, NotifierContext context)
    {
        var wecom = (WeComConfig)config;
        var template = wecom.MessageType == WeComMessageType.Markdown ? "wecom.markdown" : "wecom.text";
        return new ResolvedNotifier(
            new WeComNotifier(wecom, context.Clients, context.Limiter, (data, links) =>
            {
                var message = context.Templates(data, links, wecom.Language);
                return new WeComContent(message.Render(template, wecom.Content)) { Language = message.Language };
            }, context.Time),
            _ => "");
    }

    public override string? Destination(IntegrationConfig config) =>
        config is WeComConfig w ? w.Url ?? w.UrlFile ?? w.KeyFile ?? (w.Key is null ? null : w.ApiUrl + "?key=" + w.Key) : null;
}
