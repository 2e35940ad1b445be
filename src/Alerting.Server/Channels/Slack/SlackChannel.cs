using Alerting.Core.Configuration;
using Alerting.Core.Notifications;
using Alerting.Templating;

namespace Alerting.Channels.Slack;

/// <summary>
/// Slack incoming webhooks and chat.postMessage, rate limited per URL: Alertmanager's message, or ours from the
/// Scriban templates when a <c>slack.*.sbn</c> file is among the <c>templates:</c>.
/// </summary>
internal sealed class SlackChannel : NotificationChannel
{
    public const string Name = "slack";

    public override string Kind => Name;

    public override IReadOnlyDictionary<string, string> SecretKeys { get; } = new Dictionary<string, string> { ["api_url"] = SecretMasker.Mask, ["app_token"] = SecretMasker.Mask };

    public override IReadOnlyCollection<string> GlobalSecretKeys { get; } = ["slack_api_url", "slack_app_token"];

    public override IReadOnlyList<ChannelTemplate> Templates { get; } =
    [
        new("slack.title", SlackEscaping.Text) { Url = SlackEscaping.Escape },
        new("slack.text", SlackEscaping.Text) { Url = SlackEscaping.Escape },
    ];

    /// <summary>Slack's escaping for every field's data, as Slack's API asks; URL fields use <see cref="GoFields.Urls"/>.</summary>
    public override NotificationData TemplateData(IntegrationConfig config, NotificationData data) =>
        ChatData.Escape(data, SlackEscaping.Text, SlackEscaping.Escape);

    public override object ReadGlobal(MapReader? global) => SlackDefaults.Read(global);

    public override IntegrationConfig Read(MapReader entry, GlobalConfig global) => SlackConfig.Read(entry, global);

    public override ResolvedNotifier Notifier(IntegrationConfig config, NotifierContext context)
    {
        var slack = (SlackConfig)config;
        return new ResolvedNotifier(
            new SlackNotifier(slack, context.Clients, context.Limiter, (data, links) =>
            {
                var message = context.Templates(data, links);
                if (!IsOurs(message))
                {
                    return SlackPayload.Alertmanager(slack, message.Go);
                }
                var content = new SlackContent(message.Render("slack.title", slack.Title), message.Render("slack.text", slack.Text))
                {
                    Buttons = ButtonTitles.For(message.Language),
                };
                return SlackPayload.Ours(slack, message.Go, content, links);
            }, context.Time),
            _ => "");
    }

    /// <summary>Our Scriban message instead of Alertmanager's: the <c>templates:</c> globs hold a <c>slack.title</c> or <c>slack.text</c> file.</summary>
    internal static bool IsOurs(MessageTemplates message) => message.HasOverride("slack.title") || message.HasOverride("slack.text");

    public override string? Destination(IntegrationConfig config) => config is SlackConfig s ? s.ApiUrl ?? s.ApiUrlFile : null;
}
