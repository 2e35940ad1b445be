using Alerting.Channels.DingTalk;
using Alerting.Channels.Discord;
using Alerting.Channels.Email;
using Alerting.Channels.MsTeamsV1;
using Alerting.Channels.MsTeamsV2;
using Alerting.Channels.Opsgenie;
using Alerting.Channels.PagerDuty;
using Alerting.Channels.Pushover;
using Alerting.Channels.Slack;
using Alerting.Channels.Sns;
using Alerting.Channels.Telegram;
using Alerting.Channels.VictorOps;
using Alerting.Channels.WeChat;
using Alerting.Channels.Webex;
using Alerting.Channels.Webhook;
using Alerting.Templating;

namespace Alerting.Channels;

/// <summary>
/// The channels the service implements, one line each, in the order a receiver's integrations are listed
/// (as Alertmanager wires its receivers). Config loading, notifiers, templates, masking and the UI go through it.
/// </summary>
internal static class ChannelRegistry
{
    public static readonly IReadOnlyList<NotificationChannel> All =
    [
        new WebhookChannel(),
        new EmailChannel(),
        new PagerDutyChannel(),
        new OpsgenieChannel(),
        new WeChatChannel(),
        new SlackChannel(),
        new Jira.JiraChannel(),
        new Incidentio.IncidentioChannel(),
        new RocketChat.RocketChatChannel(),
        new Mattermost.MattermostChannel(),
        new DingTalkChannel(),
        new VictorOpsChannel(),
        new PushoverChannel(),
        new SnsChannel(),
        new TelegramChannel(),
        new DiscordChannel(),
        new WebexChannel(),
        new MsTeamsV1Channel(),
        new MsTeamsV2Channel(),
        new WeCom.WeComChannel(),
        new Feishu.FeishuChannel(),
    ];

    public static NotificationChannel? Find(string kind) => All.FirstOrDefault(c => c.Kind == kind);

    /// <summary>Every channel's templates, with their escaping.</summary>
    public static readonly TemplateCatalog Templates = new(All.SelectMany(c => c.Templates));
}
