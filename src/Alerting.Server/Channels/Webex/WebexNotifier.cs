using Alerting.Channels.Http;
using Alerting.Core.Notifications;
using Alerting.GoTemplates;
using Alerting.Templating;

namespace Alerting.Channels.Webex;

/// <summary>
/// Webex (<c>webex_configs</c>), as Alertmanager's notifier: markdown from a Go template, cut to 7,439 bytes,
/// POSTed to the messages API with the bot's bearer token from http_config; only 5xx answers and network
/// failures are retried.
/// </summary>
internal sealed class WebexNotifier(WebexConfig config, HttpClientProvider clients, GoTemplateSet templates, TimeProvider time) : INotifier
{
    internal static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public string Integration => WebexChannel.Name;

    public bool SendResolved => config.SendResolved;

    public async Task<SendResult> SendAsync(NotificationRequest request, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        var body = BuildBody(request.Data ?? throw new InvalidOperationException("Webex needs the notification data"), out var error);
        if (body is null)
        {
            return HttpDelivery.Permanent(error!, time.GetElapsedTime(started));
        }
        if (!Uri.TryCreate(config.ApiUrl, UriKind.Absolute, out var url))
        {
            return HttpDelivery.Permanent("webex api_url is not a valid URL", time.GetElapsedTime(started));
        }
        using var message = AlertmanagerHttp.PostJson(url, body);
        var result = await HttpDelivery.SendAsync(clients.Get(config.HttpConfig), message, Timeout, time, ct, Retrier.Default);
        return result with { Latency = time.GetElapsedTime(started) };
    }

    /// <summary>The request body, or null with the message template's error (not retried).</summary>
    internal string? BuildBody(NotificationData data, out string? error)
    {
        // The data is escaped for Webex markdown: no link, mention or markup from an alert (Alertmanager sends it as is).
        var tmpl = new TemplateExpander(templates, ChatData.Escape(data, ChatText.CommonMark));
        var markdown = tmpl.Text(config.Message);
        error = tmpl.Error?.Message;
        // Alertmanager checks the error after the message only: a room_id template that fails sends no roomId.
        return tmpl.Error is null ? WebexMessage.Body(markdown, tmpl.Text(config.RoomId)) : null;
    }
}
