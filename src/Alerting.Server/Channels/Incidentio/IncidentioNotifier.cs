using System.Net.Http.Headers;
using System.Text.Json;
using Alerting.Channels.Http;

namespace Alerting.Channels.Incidentio;

/// <summary>
/// incident.io (<c>incidentio_configs</c>): Alertmanager's message POSTed to the alert source URL, with the alert
/// source token as a bearer token. 429, 5xx and network errors are retried; the error text carries incident.io's
/// message, error and errors.
/// </summary>
internal sealed class IncidentioNotifier(IncidentioConfig config, HttpClientProvider clients, TimeProvider time) : INotifier
{
    /// <summary>Without a timeout of its own Alertmanager bounds an attempt by the notification's deadline, at least 10 s.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private static readonly int[] s_retryCodes = [429];

    public string Integration => IncidentioChannel.Name;

    public bool SendResolved => config.SendResolved;

    public TimeSpan Timeout => config.Timeout > TimeSpan.Zero ? config.Timeout : DefaultTimeout;

    public async Task<SendResult> SendAsync(NotificationRequest request, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        var data = (request.Data ?? throw new InvalidOperationException("incident.io needs the notification data")).Truncate(config.MaxAlerts);
        var body = IncidentioMessage.Serialize(data, request.Reason);
        var (url, problem) = await SecretUrl.ResolveAsync("incidentio", "url", config.Url, "url_file", config.UrlFile, ct);
        if (url is null)
        {
            return HttpDelivery.Permanent(problem!, time.GetElapsedTime(started));
        }
        using var message = AlertmanagerHttp.PostJson(url, body);
        var (token, tokenError) = await TokenAsync(ct);
        if (tokenError is not null)
        {
            return HttpDelivery.Permanent(tokenError, time.GetElapsedTime(started));
        }
        if (token is { Length: > 0 })
        {
            // Replaces the http_config's authorization, which the config may not combine with a token anyway.
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        var (answer, failure) = await HttpExchange.SendAsync(clients.Get(config.HttpConfig), message, Timeout, time, ct);
        if (answer is null)
        {
            return failure!;
        }
        var latency = time.GetElapsedTime(started);
        return HttpExchange.Check(answer, url, latency, s_retryCodes, Details(answer.Body)) ?? new SendResult(SendOutcome.Success, answer.Status, null, latency);
    }

    /// <summary>errDetails: message, error and the errors joined, from a JSON answer; "" when it is not one.</summary>
    internal static string Details(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return "";
            }
            string Text(string name) => document.RootElement.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";
            var parts = new List<string>();
            if (Text("message") is { Length: > 0 } message)
            {
                parts.Add(message);
            }
            if (Text("error") is { Length: > 0 } error)
            {
                parts.Add(error);
            }
            if (document.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() > 0)
            {
                parts.Add(string.Join(", ", errors.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : "")));
            }
            return string.Join(": ", parts);
        }
        catch (JsonException)
        {
            return "";
        }
    }

    /// <summary>The alert source token, from its file (trimmed, as Alertmanager reads it) or inline.</summary>
    private async Task<(string? Token, string? Error)> TokenAsync(CancellationToken ct)
    {
        if (config.AlertSourceTokenFile is not { } file)
        {
            return (config.AlertSourceToken, null);
        }
        try
        {
            return ((await File.ReadAllTextAsync(file, ct)).Trim(), null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, $"failed to read alert_source_token_file: {e.Message}");
        }
    }
}
