using Alerting.Channels.DingTalk;
using Alerting.Channels.Email;
using Alerting.Channels.Slack;
using Alerting.Channels.Webhook;

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
        new SlackChannel(),
        new DingTalkChannel(),
    ];

    public static NotificationChannel? Find(string kind) => All.FirstOrDefault(c => c.Kind == kind);

    public static ChannelTemplate? Template(string name) => All.SelectMany(c => c.Templates).FirstOrDefault(t => t.Name == name);
}
