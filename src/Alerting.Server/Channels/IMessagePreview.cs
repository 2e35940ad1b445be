using Alerting.Core.Notifications;
using Alerting.Templating;

namespace Alerting.Channels;

/// <summary>A notifier that can show what it would send for some alerts without sending it: the route tester's preview.</summary>
internal interface IMessagePreview
{
    /// <summary>The request body, or for email the message, that a notification of <paramref name="data"/> would carry.</summary>
    string Preview(NotificationData data, ActionLinks? links);
}
