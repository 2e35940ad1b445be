using System.Text.Json;
using Alerting.Channels.Http;
using Alerting.Core.Notifications;
using Alerting.GoTemplates;

namespace Alerting.Channels.PagerDuty;

/// <summary>
/// PagerDuty (<c>pagerduty_configs</c>), as Alertmanager's notifier: a trigger event while the group fires and a
/// resolve event with the same key (the group key's hash) once it is resolved, through the Events API v1 when a
/// service key is configured, else v2. One attempt; v1 retries 403 and 5xx, v2 429 and 5xx.
/// </summary>
internal sealed class PagerDutyNotifier(PagerDutyConfig config, HttpClientProvider clients, GoTemplateSet templates, ILogger logger, TimeProvider time) : INotifier
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Where v1 events go: PagerDuty's fixed endpoint (tests point it elsewhere, as Alertmanager's own do).</summary>
    internal string V1Url { get; init; } = PagerDutyMessage.V1Url;

    public string Integration => "pagerduty";

    public bool SendResolved => config.SendResolved;

    public TimeSpan Timeout => config.Timeout is { } t && t > TimeSpan.Zero ? t : DefaultTimeout;

    public async Task<SendResult> SendAsync(NotificationRequest request, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        var data = request.Data ?? throw new InvalidOperationException("PagerDuty needs the notification data");
        SendResult Permanent(string error) => HttpDelivery.Permanent(error, time.GetElapsedTime(started));

        var eventType = data.Status == NotificationStatus.Resolved ? PagerDutyMessage.Resolve : PagerDutyMessage.Trigger;
        var detailsTemplates = new TemplateExpander(templates, data);
        var details = PagerDutyMessage.RenderDetails(config, detailsTemplates.Text);
        if (detailsTemplates.Error is { } detailsError)
        {
            return Permanent($"failed to render details: {detailsError.Message}");
        }

        var v1 = config.IsV1;
        var (inline, file, what) = v1 ? (config.ServiceKey, config.ServiceKeyFile, "service key") : (config.RoutingKey, config.RoutingKeyFile, "routing key");
        var key = inline;
        if (string.IsNullOrEmpty(key))
        {
            (key, var fileError) = await SecretFile.ReadAsync(file ?? "", ct);
            if (key is null)
            {
                return Permanent($"failed to read {what} from file: {fileError}");
            }
        }

        var tmpl = new TemplateExpander(templates, data);
        var (pagerDutyEvent, renderedKey) = v1
            ? PagerDutyMessage.V1(config, eventType, data.GroupKey, details, key, tmpl.Text)
            : PagerDutyMessage.V2(config, eventType, data.GroupKey, details, key, tmpl.Text);
        if (pagerDutyEvent.TruncatedText)
        {
            logger.LogWarning("PagerDuty: truncated {Part} to {MaxRunes} runes (group {GroupKey})",
                v1 ? "description" : "summary", v1 ? PagerDutyMessage.MaxV1DescriptionRunes : PagerDutyMessage.MaxV2SummaryRunes, data.GroupKey);
        }
        if (tmpl.Error is { } error)
        {
            return Permanent($"failed to template PagerDuty {(v1 ? "v1" : "v2")} message: {error.Message}");
        }
        if (renderedKey.Length == 0)
        {
            return Permanent($"{what} cannot be empty");
        }
        if (pagerDutyEvent.OversizeBytes > 0)
        {
            logger.LogWarning("PagerDuty: truncated details because message of size {Size} exceeds limit {Limit}",
                PagerDutyMessage.MetricBytes(pagerDutyEvent.OversizeBytes), PagerDutyMessage.MetricBytes(PagerDutyMessage.MaxEventSize));
        }

        using var message = AlertmanagerHttp.PostJson(new Uri(v1 ? V1Url : config.Url), pagerDutyEvent.Body);
        var retrier = new Retrier(v1 ? [403] : [429], ErrorDetails);
        var result = await HttpDelivery.SendAsync(clients.Get(config.HttpConfig), message, Timeout, time, ct, retrier);
        return result with { Latency = time.GetElapsedTime(started) };
    }

    /// <summary>Alertmanager's errDetails: for a 400, PagerDuty's message and errors; nothing for other statuses.</summary>
    internal static string ErrorDetails(int status, string body)
    {
        if (status != 400 || body.Length == 0)
        {
            return "";
        }
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            var text = root.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : "";
            var errors = root.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Array
                ? string.Join(',', e.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.String ? x.GetString() : x.ToString()))
                : "";
            return $"{text}: {errors}";
        }
        catch (JsonException)
        {
            return "";
        }
    }
}
