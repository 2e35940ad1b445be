using Alerting.Channels.Http;
using Alerting.Core.Notifications;
using Alerting.GoTemplates;
using Alerting.Templating;

namespace Alerting.Channels.MsTeamsV1;

/// <summary>
/// Microsoft Teams connectors (<c>msteams_configs</c>), as Alertmanager's notifier: a MessageCard with title,
/// summary and text from Go templates; only 5xx answers and network failures are retried.
/// </summary>
internal sealed class MsTeamsV1Notifier(MsTeamsV1Config config, HttpClientProvider clients, GoTemplateSet templates, TimeProvider time) : INotifier
{
    internal static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public string Integration => MsTeamsV1Channel.Name;

    public bool SendResolved => config.SendResolved;

    public async Task<SendResult> SendAsync(NotificationRequest request, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        var data = request.Data ?? throw new InvalidOperationException("Teams needs the notification data");
        var body = BuildBody(data, out var error);
        return await SecretUrlPost.SendAsync("msteams", (config.Url, config.UrlFile), body, error, clients.Get(config.HttpConfig), Timeout, time, started, ct);
    }

    /// <summary>The request body, or null with the template's error (not retried).</summary>
    internal string? BuildBody(NotificationData data, out string? error)
    {
        // The data is escaped for the card's markdown: no link, mention or markup from an alert (Alertmanager sends it as is).
        var tmpl = new TemplateExpander(templates, ChatData.Escape(data, ChatText.CommonMark));
        var title = tmpl.Text(config.Title);
        var text = tmpl.Text(config.Text);
        var summary = tmpl.Text(config.Summary);
        error = tmpl.Error?.Message;
        return tmpl.Error is null ? MsTeamsV1Message.Body(title, summary, text, data.Status == NotificationStatus.Firing) : null;
    }
}
