namespace Alerting.Channels.Http;

/// <summary>
/// Alertmanager's notify.Retrier: 2xx succeeds, 5xx and the receiver's own <see cref="RetryCodes"/> are retried,
/// anything else fails for good. Unlike <see cref="HttpDelivery"/>'s default, 429 is retried only where a receiver
/// says so (PagerDuty v2, Opsgenie).
/// </summary>
/// <param name="RetryCodes">Statuses besides 5xx worth another attempt (PagerDuty v1: 403, its rate limit).</param>
/// <param name="CustomDetails">The error's detail from status and body instead of the body itself (PagerDuty's 400).</param>
internal sealed record Retrier(IReadOnlyCollection<int> RetryCodes, Func<int, string, string>? CustomDetails = null)
{
    /// <summary>Only 5xx is retried (VictorOps, Pushover, SNS).</summary>
    public static readonly Retrier Default = new([]);

    public bool IsRetryable(int status) => status / 100 == 5 || RetryCodes.Contains(status);

    /// <summary>"unexpected status code N" plus the details, as Retrier.Check words it; null for 2xx.</summary>
    public string? Error(int status, string body)
    {
        if (status / 100 == 2)
        {
            return null;
        }
        var details = CustomDetails is { } custom ? custom(status, body) : body;
        return details.Length > 0 ? $"unexpected status code {status}: {details}" : $"unexpected status code {status}";
    }
}
