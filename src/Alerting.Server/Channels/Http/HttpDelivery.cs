using System.Globalization;
using System.Net;
using System.Text;

namespace Alerting.Channels.Http;

/// <summary>
/// One HTTP attempt under its own timeout, classified as Alertmanager's notifiers do. Shared by the
/// HTTP-based integrations so they agree on what is retried and on how errors read.
/// </summary>
internal static class HttpDelivery
{
    /// <summary>How much of an error response's body goes into the error text.</summary>
    public const int MaxErrorBodyBytes = 1024;

    /// <summary>
    /// Sends <paramref name="request"/> and disposes the response. 2xx is success; 5xx, 429, timeouts and
    /// network errors are retryable; any other status (3xx included) is permanent. Throws only when
    /// <paramref name="ct"/> is cancelled.
    /// </summary>
    /// <param name="retrier">A receiver's own rule for statuses (Alertmanager's notify.Retrier) instead of the default.</param>
    public static async Task<SendResult> SendAsync(
        HttpClient client, HttpRequestMessage request, TimeSpan timeout, TimeProvider time, CancellationToken ct, Retrier? retrier = null)
    {
        var url = request.RequestUri ?? throw new ArgumentException("the request has no URI", nameof(request));
        request.Version = client.DefaultRequestVersion;
        request.VersionPolicy = client.DefaultVersionPolicy;
        if (url.UserInfo.Length > 0 && !request.Headers.Contains("Authorization"))
        {
            // Go's client sends URL userinfo as basic auth (SocketsHttpHandler ignores it): webhook URLs
            // written as http://user:pass@host/ keep authenticating.
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
            var status = (int)response.StatusCode;
            if (status is >= 200 and < 300)
            {
                return new SendResult(SendOutcome.Success, status, null, time.GetElapsedTime(started));
            }
            var retryable = retrier?.IsRetryable(status) ?? (status >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests);
            var body = await ReadBodyPrefixAsync(response, linked.Token);
            var error = retrier?.Error(status, body) ?? (body.Length > 0 ? $"unexpected status code {status}: {body}" : $"unexpected status code {status}");
            return new SendResult(
                retryable ? SendOutcome.Retryable : SendOutcome.Permanent,
                status,
                UrlRedactor.Scrub(error, url),
                time.GetElapsedTime(started),
                retryable ? RetryAfter(response, time) : null);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException) when (timeoutCts.IsCancellationRequested)
        {
            return Failed(SendOutcome.Retryable, request, url, $"timeout after {Seconds(timeout)}s", time, started);
        }
        catch (HttpSendException e)
        {
            return Failed(e.Retryable ? SendOutcome.Retryable : SendOutcome.Permanent, request, url, e.Message, time, started);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return Failed(SendOutcome.Retryable, request, url, Describe(e), time, started);
        }
    }

    /// <summary>A result for a failure before any request went out (a bad URL, an unreadable url_file).</summary>
    public static SendResult Permanent(string error, TimeSpan latency) => new(SendOutcome.Permanent, null, error, latency);

    public static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);

    private static SendResult Failed(SendOutcome outcome, HttpRequestMessage request, Uri url, string message, TimeProvider time, long started) =>
        // The URL as requested last: after a redirect that is where the failure happened.
        new(outcome, null, UrlRedactor.Scrub($"{request.Method} {UrlRedactor.Redact(request.RequestUri ?? url)}: {message}", url), time.GetElapsedTime(started));

    private static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider time) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date > time.GetUtcNow() ? date - time.GetUtcNow() : TimeSpan.Zero,
        _ => null,
    };

    private static async Task<string> ReadBodyPrefixAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(ct);
            var buffer = new byte[MaxErrorBodyBytes];
            var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct);
            return Encoding.UTF8.GetString(buffer, 0, read).Trim();
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
        {
            return ""; // the status code alone still says what happened
        }
    }

    /// <summary>The messages down the exception chain, e.g. "Connection refused (127.0.0.1:9)".</summary>
    private static string Describe(Exception e)
    {
        var parts = new List<string>();
        for (var current = e; current is not null; current = current.InnerException)
        {
            // Inner messages are often already part of the outer one ("unable to load ca_file: Could not find ...").
            var message = current.Message.Replace(", see inner exception.", "", StringComparison.Ordinal);
            if (!parts.Any(p => p.Contains(message, StringComparison.Ordinal)))
            {
                parts.Add(message);
            }
        }
        return string.Join(": ", parts);
    }
}
