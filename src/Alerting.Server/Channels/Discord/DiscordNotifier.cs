using Alerting.Channels.Http;
using Alerting.Core.Notifications;
using Alerting.GoTemplates;
using Alerting.Templating;

namespace Alerting.Channels.Discord;

/// <summary>
/// Discord (<c>discord_configs</c>), as Alertmanager's notifier: title, message and content from Go templates,
/// cut to Discord's embed limits, POSTed to the webhook; only 5xx answers and network failures are retried.
/// </summary>
internal sealed class DiscordNotifier(DiscordConfig config, HttpClientProvider clients, GoTemplateSet templates, TimeProvider time) : INotifier
{
    internal static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public string Integration => DiscordChannel.Name;

    public bool SendResolved => config.SendResolved;

    public async Task<SendResult> SendAsync(NotificationRequest request, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        var data = request.Data ?? throw new InvalidOperationException("Discord needs the notification data");
        var body = BuildBody(data, out var error);
        return await SecretUrlPost.SendAsync("discord", (config.Url, config.UrlFile), body, error, clients.Get(config.HttpConfig), Timeout, time, started, ct);
    }

    /// <summary>The request body, or null with the template's error (Alertmanager then gives up: not retried).</summary>
    internal string? BuildBody(NotificationData data, out string? error)
    {
        // The data is escaped for Discord markdown: no link, mention or markup from an alert (Alertmanager sends it as is).
        var tmpl = new TemplateExpander(templates, ChatData.Escape(data, ChatText.CommonMark));
        var title = tmpl.Text(config.Title);
        var description = tmpl.Text(config.Message);
        var content = tmpl.Text(config.Content);
        error = tmpl.Error?.Message;
        return tmpl.Error is null ? DiscordMessage.Body(title, description, content, data.Status == NotificationStatus.Firing, config) : null;
    }
}
