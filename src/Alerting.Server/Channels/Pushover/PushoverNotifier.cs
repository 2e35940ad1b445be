using System.Net.Http.Headers;
using Alerting.Channels.Http;
using Alerting.GoTemplates;

namespace Alerting.Channels.Pushover;

/// <summary>
/// Pushover (<c>pushover_configs</c>), as Alertmanager's notifier: an empty <c>text/plain</c> POST to Pushover's API
/// with every parameter in the query; only 5xx is retried. The query holds the token and user key, so errors never show it.
/// </summary>
internal sealed class PushoverNotifier(PushoverConfig config, HttpClientProvider clients, GoTemplateSet templates, ILogger logger, TimeProvider time) : INotifier
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>Pushover's API (tests point it elsewhere, as Alertmanager's own do).</summary>
    internal string ApiUrl { get; init; } = PushoverMessage.ApiUrl;

    public string Integration => "pushover";

    public bool SendResolved => config.SendResolved;

    public async Task<SendResult> SendAsync(NotificationRequest request, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        var data = request.Data ?? throw new InvalidOperationException("Pushover needs the notification data");
        var token = config.Token;
        if (string.IsNullOrEmpty(token))
        {
            (token, var error) = await SecretFile.ReadAsync(config.TokenFile ?? "", ct);
            if (token is null)
            {
                return HttpDelivery.Permanent($"read token_file: {error}", time.GetElapsedTime(started));
            }
        }
        var userKey = config.UserKey;
        if (string.IsNullOrEmpty(userKey))
        {
            (userKey, var error) = await SecretFile.ReadAsync(config.UserKeyFile ?? "", ct);
            if (userKey is null)
            {
                return HttpDelivery.Permanent($"read user_key_file: {error}", time.GetElapsedTime(started));
            }
        }

        var tmpl = new TemplateExpander(templates, data);
        var query = PushoverMessage.Build(config, token, userKey, tmpl.Text, tmpl.Html);
        foreach (var part in query.Truncated)
        {
            logger.LogWarning("Pushover: truncated {Part} to Pushover's limit (group {GroupKey})", part, data.GroupKey);
        }
        if (tmpl.Error is { } templateError)
        {
            return HttpDelivery.Permanent(templateError.Message, time.GetElapsedTime(started));
        }

        var url = new Uri(ApiUrl + "?" + query.Query);
        using var message = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new ByteArrayContent([]) { Headers = { ContentType = new MediaTypeHeaderValue("text/plain") } },
        };
        message.Headers.UserAgent.Add(AlertmanagerHttp.UserAgent);
        var result = await HttpDelivery.SendAsync(clients.Get(config.HttpConfig), message, Timeout, time, ct, Retrier.Default);
        return result with { Latency = time.GetElapsedTime(started) };
    }
}
