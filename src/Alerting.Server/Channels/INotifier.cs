namespace Alerting.Channels;

/// <summary>
/// One integration of a receiver (a webhook_configs entry, later slack, email, dingtalk). The engine owns
/// retries and backoff; a notifier makes exactly one attempt per call.
/// </summary>
internal interface INotifier
{
    /// <summary>"webhook", "slack", "email", "dingtalk": the integration label of metrics and logs.</summary>
    string Integration { get; }

    bool SendResolved { get; }

    /// <summary>
    /// One attempt, bounded by its own timeout; never throws for HTTP/network failures. Cancelling
    /// <paramref name="ct"/> (shutdown) throws <see cref="OperationCanceledException"/>.
    /// </summary>
    Task<SendResult> SendAsync(NotificationRequest request, CancellationToken ct);
}

/// <param name="Body">The already-rendered payload (the webhook's JSON message).</param>
internal sealed record NotificationRequest(string Receiver, string GroupKey, string Body, long AlertCount)
{
    /// <summary>The alerts, for channels that render their own message (DingTalk, Slack, email).</summary>
    public Core.Notifications.NotificationData? Data { get; init; }

    private Lazy<Templating.ActionLinks?>? _links;

    /// <summary>Signed view, silence and acknowledge links for this group.</summary>
    public Templating.ActionLinks? Links
    {
        get => _links?.Value;
        init => _links = new Lazy<Templating.ActionLinks?>(value);
    }

    /// <summary>Signs <see cref="Links"/> when a channel first reads them: most never do (the webhook), and signing costs.</summary>
    public Func<Templating.ActionLinks>? SignLinks
    {
        init => _links = value is null ? null : new Lazy<Templating.ActionLinks?>(() => value());
    }

    /// <summary>
    /// The same for every attempt at this notification, after a crash too: the webhook's <c>Idempotency-Key</c>
    /// header and the email's Message-Id, so a receiver that honours them can drop a repeat.
    /// </summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>Why the notification log called for this send ("first notification", ...): incident.io sends it.</summary>
    public string? Reason { get; init; }
}

internal enum SendOutcome
{
    Success,
    Retryable,
    Permanent,
}

/// <param name="Error">Why it failed, safe to log: URLs redacted, at most 1 KiB of response body.</param>
/// <param name="RetryAfter">The receiver's Retry-After, when it sent one with a retryable status.</param>
internal sealed record SendResult(SendOutcome Outcome, int? StatusCode, string? Error, TimeSpan Latency, TimeSpan? RetryAfter = null);
