using Alerting.Core.Configuration;
using Alerting.Core.Notifications;
using Alerting.Templating;

namespace Alerting.Channels.Feishu;

/// <summary>Our extension: Feishu (飞书) and Lark custom bots, with an interactive card from templates.</summary>
internal sealed class FeishuChannel : NotificationChannel
{
    public const string Name = "feishu";

    public override string Kind => Name;

    /// <summary>Templates written for prometheus-webhook-dingtalk (sprig's functions, its default.tmpl) run unchanged.</summary>
    public override bool SprigFunctions => true;

    public override IReadOnlyDictionary<string, string> SecretKeys { get; } =
        new Dictionary<string, string> { ["url"] = SecretMasker.Mask, ["secret"] = SecretMasker.Mask };

    public override IReadOnlyList<ChannelTemplate> Templates { get; } =
    [
        new("feishu.title", ChannelTemplate.Unescaped),
        new("feishu.markdown", FeishuEscaping.Markdown) { Url = ChatText.Unchanged },
    ];

    /// <summary>The config's own title and text (Go templates) see the data escaped as the card markdown needs.</summary>
    public override NotificationData TemplateData(IntegrationConfig config, NotificationData data) => ChatData.Escape(data, FeishuEscaping.Markdown);

    public override IntegrationConfig Read(MapReader entry, GlobalConfig global) => FeishuConfig.Read(entry, global);

    public override ResolvedNotifier Notifier(IntegrationConfig config, NotifierContext context)
    {
        var feishu = (FeishuConfig)config;
        return new ResolvedNotifier(
            new FeishuNotifier(feishu, context.Clients, context.Limiter, (data, links) =>
            {
                var message = context.Templates(data, links, feishu.Language);
                return new FeishuContent(message.Render("feishu.title", feishu.Title), message.Render("feishu.markdown", feishu.Text))
                {
                    Buttons = ButtonTitles.For(message.Language),
                    Language = message.Language,
                };
            }, context.Time),
            _ => "");
    }

    public override string? Destination(IntegrationConfig config) => config is FeishuConfig f ? f.Url ?? f.UrlFile : null;
}
