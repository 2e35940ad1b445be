using System.Net.Http.Headers;
using Alerting.Channels.Http;
using Alerting.Core.Notifications;
using Alerting.Templating;

namespace Alerting.Channels.Webhook;

/// <summary>
/// <c>webhook_configs</c>: POSTs the rendered message to <c>url</c>, or to the URL in <c>url_file</c> read
/// at send time so a rotated URL applies without a reload. <c>max_alerts</c> is applied by whoever renders
/// the body.
/// </summary>
/// <param name="fields">Runs the URL's Go templates for a message (Alertmanager 0.31's templated webhook URL).</param>
internal sealed class WebhookNotifier(WebhookConfig config, HttpClientProvider clients, TimeProvider time, Func<NotificationData, GoFields>? fields = null) : INotifier
{
    /// <summary>
    /// Alertmanager 0.25 has no per-request webhook timeout: an attempt is bounded only by the whole
    /// notification's deadline, at least 10 s (notify.MinTimeout). Bounding each attempt by the same 10 s
    /// keeps one hung receiver from eating the engine's whole retry budget.
    /// </summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    // Alertmanager's own user agent, so receivers that check for it keep working.
    private static readonly ProductInfoHeaderValue s_userAgent = new("Alertmanager", "0.25.0");

    public string Integration => "webhook";

    public bool SendResolved => config.SendResolved;

    public TimeSpan Timeout => config.Timeout is { } t && t > TimeSpan.Zero ? t : DefaultTimeout;

    public async Task<SendResult> SendAsync(NotificationRequest request, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        var go = fields is not null && request.Data is { } data ? fields(data) : null;
        var (url, error) = await SecretUrl.ResolveAsync("webhook", "url", config.Url, "url_file", config.UrlFile, ct,
            go is null ? null : text => text.Contains("{{", StringComparison.Ordinal) ? go.Text("webhook.url", text) : text);
        if (go is { AnyFailed: true })
        {
            return HttpDelivery.Permanent("webhook URL: its template failed (the error is in the log)", time.GetElapsedTime(started));
        }
        if (url is null)
        {
            return HttpDelivery.Permanent(error!, time.GetElapsedTime(started));
        }
        var body = request.Body;
        if (config.Payload is { } payload)
        {
            // Alertmanager renders it over the message's alerts after max_alerts; a failed template sends nothing.
            var custom = request.Data is { } d && fields is not null ? fields(d.Truncate(config.MaxAlerts)) : null;
            var value = custom is null ? null : payload.Render(custom);
            if (custom is null || custom.AnyFailed || YamlScalars.Encode(value) is not { } encoded)
            {
                return HttpDelivery.Permanent(custom is { AnyFailed: true }
                    ? "webhook payload: its template failed (the error is in the log)"
                    : "webhook payload: it cannot be rendered as JSON", time.GetElapsedTime(started));
            }
            body = encoded;
        }
        using var message = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        message.Headers.UserAgent.Add(s_userAgent);
        if (request.IdempotencyKey is { } key)
        {
            message.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        }
        var result = await HttpDelivery.SendAsync(clients.Get(config.HttpConfig), message, Timeout, time, ct);
        return result with { Latency = time.GetElapsedTime(started) };
    }
}
