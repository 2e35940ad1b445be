using Alerting.Channels.Http;
using Alerting.GoTemplates;

namespace Alerting.Channels.VictorOps;

/// <summary>
/// VictorOps (<c>victorops_configs</c>), as Alertmanager's notifier: one POST to
/// <c>api_url/&lt;api key&gt;/&lt;routing key&gt;</c>; only 5xx is retried. The URL holds the key, so errors name only its host.
/// </summary>
internal sealed class VictorOpsNotifier(VictorOpsConfig config, HttpClientProvider clients, GoTemplateSet templates, ILogger logger, TimeProvider time) : INotifier
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public string Integration => "victorops";

    public bool SendResolved => config.SendResolved;

    public async Task<SendResult> SendAsync(NotificationRequest request, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        var data = request.Data ?? throw new InvalidOperationException("VictorOps needs the notification data");
        var apiKey = config.ApiKey;
        if (string.IsNullOrEmpty(apiKey))
        {
            (apiKey, var fileError) = await SecretFile.ReadAsync(config.ApiKeyFile ?? "", ct);
            if (apiKey is null)
            {
                return HttpDelivery.Permanent($"failed to read API key from file: {fileError}", time.GetElapsedTime(started));
            }
        }
        var tmpl = new TemplateExpander(templates, data);
        var url = VictorOpsMessage.Url(config, apiKey, tmpl.Text(config.RoutingKey));
        if (tmpl.Error is { } keyError)
        {
            return HttpDelivery.Permanent($"templating error: {keyError.Message}", time.GetElapsedTime(started));
        }

        var payloadTemplates = new TemplateExpander(templates, data);
        var alert = VictorOpsMessage.Build(config, data, payloadTemplates.Text);
        if (alert.TruncatedStateMessage)
        {
            logger.LogWarning("VictorOps: truncated state_message to {MaxRunes} runes (group {GroupKey})", VictorOpsMessage.MaxStateMessageRunes, data.GroupKey);
        }
        if (payloadTemplates.Error is { } error)
        {
            // Alertmanager asks for a retry here, although a template fails the same way the next time.
            return new SendResult(SendOutcome.Retryable, null, $"templating error: {error.Message}", time.GetElapsedTime(started));
        }

        using var message = AlertmanagerHttp.PostJson(new Uri(url), alert.Body);
        var result = await HttpDelivery.SendAsync(clients.Get(config.HttpConfig), message, Timeout, time, ct, Retrier.Default);
        // notify.RedactURL: the path holds the API key.
        var redacted = apiKey.Length > 0 ? result.Error?.Replace(apiKey, UrlRedactor.Mask, StringComparison.Ordinal) : result.Error;
        return result with { Latency = time.GetElapsedTime(started), Error = redacted };
    }
}
