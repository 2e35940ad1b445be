using System.Text;

namespace Alerting.Channels.Http;

/// <summary>A destination's answer: its status, its body (at most <see cref="HttpExchange.MaxBodyBytes"/>) and Retry-After.</summary>
internal sealed record HttpAnswer(int Status, string Body, TimeSpan? RetryAfter)
{
    public bool IsSuccess => Status / 100 == 2;
}

/// <summary>
/// One request whose answer the integration reads itself (Jira's search, Rocket.Chat's <c>success</c> flag), and
/// Alertmanager's notify.Retrier, whose retried statuses differ per integration (Mattermost does not retry 429,
/// Jira and incident.io do). <see cref="HttpDelivery"/> keeps the webhook's fixed rule.
/// </summary>
internal static class HttpExchange
{
    /// <summary>Enough for any answer an integration parses; the rest is not read.</summary>
    public const int MaxBodyBytes = 1 << 20;

    /// <summary>
    /// Sends <paramref name="request"/> under <paramref name="timeout"/>: the answer whatever its status, or a failure
    /// (timeout and network errors retryable, as a Go client error is for most integrations). Throws only when
    /// <paramref name="ct"/> is cancelled.
    /// </summary>
    public static async Task<(HttpAnswer? Answer, SendResult? Failure)> SendAsync(
        HttpClient client, HttpRequestMessage request, TimeSpan timeout, TimeProvider time, CancellationToken ct)
    {
        var url = request.RequestUri ?? throw new ArgumentException("the request has no URI", nameof(request));
        request.Version = client.DefaultRequestVersion;
        request.VersionPolicy = client.DefaultVersionPolicy;
        if (url.UserInfo.Length > 0 && !request.Headers.Contains("Authorization"))
        {
            // Go's client sends URL userinfo as basic auth.
            var parts = url.UserInfo.Split(':', 2);
            var credentials = $"{Uri.UnescapeDataString(parts[0])}:{(parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : "")}";
            request.Headers.TryAddWithoutValidation("Authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        }
        var started = time.GetTimestamp();
        using var timeoutCts = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeoutCts.Token);
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            await using var stream = await response.Content.ReadAsStreamAsync(linked.Token);
            using var body = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while (body.Length < MaxBodyBytes
                && (read = await stream.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, MaxBodyBytes - body.Length)), linked.Token)) > 0)
            {
                body.Write(chunk, 0, read);
            }
            var retryAfter = response.Headers.RetryAfter switch
            {
                { Delta: { } delta } => delta,
                { Date: { } date } => date > time.GetUtcNow() ? date - time.GetUtcNow() : TimeSpan.Zero,
                _ => (TimeSpan?)null,
            };
            return (new HttpAnswer((int)response.StatusCode, Encoding.UTF8.GetString(body.GetBuffer(), 0, (int)body.Length), retryAfter), null);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException) when (timeoutCts.IsCancellationRequested)
        {
            return (null, Failed(SendOutcome.Retryable, request, url, $"timeout after {HttpDelivery.Seconds(timeout)}s", time, started));
        }
        catch (HttpSendException e)
        {
            return (null, Failed(e.Retryable ? SendOutcome.Retryable : SendOutcome.Permanent, request, url, e.Message, time, started));
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            var message = e.InnerException is { } inner && !e.Message.Contains(inner.Message, StringComparison.Ordinal) ? $"{e.Message}: {inner.Message}" : e.Message;
            return (null, Failed(SendOutcome.Retryable, request, url, message, time, started));
        }
    }

    /// <summary>
    /// Alertmanager's Retrier.Check: null for 2xx; otherwise "unexpected status code N: details", retryable for 5xx
    /// and <paramref name="retryCodes"/>. <paramref name="details"/> defaults to the body (its first KiB here).
    /// </summary>
    public static SendResult? Check(HttpAnswer answer, Uri url, TimeSpan latency, IReadOnlyCollection<int> retryCodes, string? details = null)
    {
        if (answer.IsSuccess)
        {
            return null;
        }
        var retry = answer.Status / 100 == 5 || retryCodes.Contains(answer.Status);
        details ??= Prefix(answer.Body);
        var error = details.Length > 0 ? $"unexpected status code {answer.Status}: {details}" : $"unexpected status code {answer.Status}";
        return new SendResult(
            retry ? SendOutcome.Retryable : SendOutcome.Permanent, answer.Status, UrlRedactor.Scrub(error, url), latency, retry ? answer.RetryAfter : null);
    }

    /// <summary>The body as error text: its first KiB, trimmed.</summary>
    public static string Prefix(string body) =>
        (body.Length > HttpDelivery.MaxErrorBodyBytes ? body[..HttpDelivery.MaxErrorBodyBytes] : body).Trim();

    private static SendResult Failed(SendOutcome outcome, HttpRequestMessage request, Uri url, string message, TimeProvider time, long started) =>
        new(outcome, null, UrlRedactor.Scrub($"{request.Method} {UrlRedactor.Redact(request.RequestUri ?? url)}: {message}", url), time.GetElapsedTime(started));
}
