using Alerting.Core.Configuration;
using Alerting.Core.Notifications;
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
        // WeCom markdown has no backslash escapes: markup characters of the data become full-width.
        new("wecom.markdown", ChatText.FullWidth) { Url = ChatText.Unchanged },
        // Plain text pings only mentioned_list: an "@all" in the data is just text, but reads as if it pinged.
        new("wecom.text", ChatText.Mentions) { Url = ChatText.Unchanged },
    ];

    /// <summary>The config's own text (a Go template) sees the data escaped as the template of its message type does.</summary>
    public override NotificationData TemplateData(IntegrationConfig config, NotificationData data) =>
        ChatData.Escape(data, config is WeComConfig { MessageType: WeComMessageType.Text } ? ChatText.Mentions : ChatText.FullWidth);

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
