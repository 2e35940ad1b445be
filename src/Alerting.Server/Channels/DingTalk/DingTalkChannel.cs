using Alerting.Core.Configuration;
using Alerting.Core.Notifications;
using Alerting.Templating;

namespace Alerting.Channels.DingTalk;

/// <summary>Our extension: DingTalk custom robots, with a title and a markdown text from templates.</summary>
internal sealed class DingTalkChannel : NotificationChannel
{
    public const string Name = "dingtalk";

    public override string Kind => Name;

    /// <summary>Templates written for prometheus-webhook-dingtalk (sprig's functions, its default.tmpl) run unchanged.</summary>
    public override bool SprigFunctions => true;

    public override IReadOnlyDictionary<string, string> SecretKeys { get; } = new Dictionary<string, string> { ["url"] = SecretMasker.Mask };

    public override IReadOnlyList<ChannelTemplate> Templates { get; } =
    [
        new("dingtalk.title", ChannelTemplate.Unescaped),
        // DingTalk markdown has no backslash escapes: markup characters of the data become full-width.
        new("dingtalk.markdown", ChatText.FullWidth) { Url = ChatText.Unchanged },
    ];

    /// <summary>The config's own title and text (Go templates) see the data escaped as the markdown template does.</summary>
    public override NotificationData TemplateData(IntegrationConfig config, NotificationData data) => ChatData.Escape(data, ChatText.FullWidth);

    public override IntegrationConfig Read(MapReader entry, GlobalConfig global) => DingTalkConfig.Read(entry, global);

    public override ResolvedNotifier Notifier(IntegrationConfig config, NotifierContext context)
    {
        var dingtalk = (DingTalkConfig)config;
        return new ResolvedNotifier(
            new DingTalkNotifier(dingtalk, context.Clients, context.Limiter, (data, links) =>
            {
                var message = context.Templates(data, links, dingtalk.Language);
                return new DingTalkContent(message.Render("dingtalk.title", dingtalk.Title), message.Render("dingtalk.markdown", dingtalk.Text))
                {
                    Buttons = ButtonTitles.For(message.Language),
                };
            }, context.Time),
            _ => "");
    }

    public override string? Destination(IntegrationConfig config) => config is DingTalkConfig d ? d.Url ?? d.UrlFile : null;
}
