using Alerting.Channels.Http;
using Alerting.Core.Notifications;
using Alerting.GoTemplates;
using Alerting.Templating;

namespace Alerting.Channels.MsTeamsV2;

/// <summary>
/// Microsoft Teams through Power Automate workflows (<c>msteamsv2_configs</c>), as Alertmanager's notifier: an
/// Adaptive Card with title and text from Go templates; only 5xx answers and network failures are retried.
/// </summary>
internal sealed class MsTeamsV2Notifier(MsTeamsV2Config config, HttpClientProvider clients, GoTemplateSet templates, TimeProvider time) : INotifier
{
    internal static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public string Integration => MsTeamsV2Channel.Name;

    public bool SendResolved => config.SendResolved;

    public async Task<SendResult> SendAsync(NotificationRequest request, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        var data = request.Data ?? throw new InvalidOperationException("Teams needs the notification data");
        var body = BuildBody(data, out var error);
        return await SecretUrlPost.SendAsync("msteamsv2", (config.Url, config.UrlFile), body, error, clients.Get(config.HttpConfig), Timeout, time, started, ct);
    }

    /// <summary>The request body, or null with the template's error (not retried).</summary>
    internal string? BuildBody(NotificationData data, out string? error)
    {
        // The data is escaped for the Adaptive Card's markdown: no link, mention or markup from an alert (Alertmanager sends it as is).
        var tmpl = new TemplateExpander(templates, ChatData.Escape(data, ChatText.CommonMark));
        var title = tmpl.Text(config.Title);
        var text = tmpl.Text(config.Text);
        error = tmpl.Error?.Message;
        return tmpl.Error is null ? MsTeamsV2Message.Body(title, text, data.Status == NotificationStatus.Firing) : null;
    }
}
