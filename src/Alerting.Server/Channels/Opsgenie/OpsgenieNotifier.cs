using System.Net.Http.Headers;
using System.Text;
using Alerting.Channels.Http;
using Alerting.GoTemplates;

namespace Alerting.Channels.Opsgenie;

/// <summary>
/// Opsgenie (<c>opsgenie_configs</c>), as Alertmanager's notifier: its requests in order (create, then with
/// update_alerts the message and description; or close), each with <c>Authorization: GenieKey</c>. The first
/// failure ends the attempt; 429 and 5xx are retried.
/// </summary>
internal sealed class OpsgenieNotifier(OpsgenieConfig config, HttpClientProvider clients, GoTemplateSet templates, ILogger logger, TimeProvider time) : INotifier
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static readonly Retrier Retrier = new([429]);

    public string Integration => "opsgenie";

    public bool SendResolved => config.SendResolved;

    public async Task<SendResult> SendAsync(NotificationRequest request, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        var data = request.Data ?? throw new InvalidOperationException("Opsgenie needs the notification data");
        var tmpl = new TemplateExpander(templates, data);
        var requests = OpsgenieMessage.Build(config, data, tmpl.Text);
        if (requests.TruncatedMessage)
        {
            logger.LogWarning("Opsgenie: truncated message to {MaxRunes} runes (group {GroupKey})", OpsgenieMessage.MaxMessageRunes, data.GroupKey);
        }

        string apiKey;
        if (!string.IsNullOrEmpty(config.ApiKey))
        {
            apiKey = tmpl.Text(config.ApiKey);
        }
        else
        {
            var (content, fileError) = await SecretFile.ReadAsync(config.ApiKeyFile ?? "", ct);
            if (content is null)
            {
                return HttpDelivery.Permanent($"read key_file error: {fileError}", time.GetElapsedTime(started));
            }
            apiKey = tmpl.Text(content).Trim();
        }
        if (tmpl.Error is { } error)
        {
            return HttpDelivery.Permanent($"templating error: {error.Message}", time.GetElapsedTime(started));
        }

        SendResult? result = null;
        foreach (var r in requests.Requests)
        {
            using var message = new HttpRequestMessage(r.Method, r.Url)
            {
                Content = new StringContent(r.Body, Encoding.UTF8) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
            };
            message.Headers.UserAgent.Add(AlertmanagerHttp.UserAgent);
            message.Headers.TryAddWithoutValidation("Authorization", $"GenieKey {apiKey}");
            result = await HttpDelivery.SendAsync(clients.Get(config.HttpConfig), message, Timeout, time, ct, Retrier);
            if (result.Outcome != SendOutcome.Success)
            {
                break; // Alertmanager stops at the first request that fails
            }
        }
        return result! with { Latency = time.GetElapsedTime(started) };
    }
}
