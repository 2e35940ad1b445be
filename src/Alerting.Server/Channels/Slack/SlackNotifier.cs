using System.Net;
using System.Text.Json.Nodes;
using Alerting.Channels.Http;
using Alerting.Core.Notifications;
using Alerting.Templating;

namespace Alerting.Channels.Slack;

/// <summary>The title and text of our Slack message, already in Slack's mrkdwn.</summary>
internal sealed record SlackContent(string Title, string Text)
{
    public ButtonTitles Buttons { get; init; } = ButtonTitles.English;
}

/// <summary>
/// Slack (<c>slack_configs</c>): an incoming webhook, or <c>chat.postMessage</c> with a token in
/// http_config. The body is built by <paramref name="body"/> (Alertmanager's message, or ours: see
/// <see cref="SlackPayload"/>). At most one message a second per webhook, across instances.
/// </summary>
internal sealed class SlackNotifier(
    SlackConfig config,
    HttpClientProvider clients,
    RateLimiter limiter,
    Func<NotificationData, ActionLinks?, string> body,
    TimeProvider time) : INotifier, IMessagePreview
{
    internal static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <summary><c>timeout</c> when positive; Alertmanager's 0 (none) keeps our default so a hung Slack cannot eat the retry budget.</summary>
    internal TimeSpan Timeout => config.Timeout is { } t && t > TimeSpan.Zero ? t : DefaultTimeout;

    public string Integration => "slack";

    public bool SendResolved => config.SendResolved;

    public async Task<SendResult> SendAsync(NotificationRequest request, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        var (url, problem) = await SecretUrl.ResolveAsync("slack", "api_url", config.ApiUrl, "api_url_file", config.ApiUrlFile, ct);
        if (url is null)
        {
            return HttpDelivery.Permanent(problem!, time.GetElapsedTime(started));
        }
        if (await limiter.TryAcquireAsync(RateLimiter.KeyFor("slack", url.AbsoluteUri), 1, TimeSpan.FromSeconds(1), time.GetUtcNow(), ct) is { } wait)
        {
            return new SendResult(SendOutcome.Retryable, null, "rate limit: one message a second per Slack webhook", time.GetElapsedTime(started), wait);
        }

        var json = BuildBody(request.Data ?? throw new InvalidOperationException("Slack needs the notification data"), request.Links);
        using var message = AlertmanagerHttp.PostJson(url, json);
        if (!url.AbsolutePath.EndsWith("/chat.postMessage", StringComparison.Ordinal))
        {
            var result = await HttpDelivery.SendAsync(clients.Get(config.HttpConfig), message, Timeout, time, ct);
            // An incoming webhook's secret is its path (/services/T…/B…/token): keep it out of errors and history.
            return result.Error is { } error && url.AbsolutePath.Length > 1
                ? result with { Error = error.Replace(url.AbsolutePath, "/<secret>", StringComparison.Ordinal) }
                : result;
        }
        return await PostMessageAsync(message, url, started, ct);
    }

    /// <summary>The Web API answers 200 with <c>{"ok": false, "error": ...}</c> for most failures.</summary>
    private async Task<SendResult> PostMessageAsync(HttpRequestMessage message, Uri url, long started, CancellationToken ct)
    {
        using var timeout = new CancellationTokenSource(Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        try
        {
            using var response = await clients.Get(config.HttpConfig).SendAsync(message, linked.Token);
            var status = (int)response.StatusCode;
            var text = await response.Content.ReadAsStringAsync(linked.Token);
            if (response.StatusCode == HttpStatusCode.TooManyRequests || status >= 500)
            {
                var after = response.Headers.RetryAfter?.Delta;
                return new SendResult(SendOutcome.Retryable, status, $"unexpected status code {status}: {text}", time.GetElapsedTime(started), after);
            }
            var ok = status is >= 200 and < 300 && JsonNode.Parse(text)?["ok"]?.GetValue<bool>() == true;
            if (ok)
            {
                return new SendResult(SendOutcome.Success, status, null, time.GetElapsedTime(started));
            }
            var error = JsonNode.Parse(text)?["error"]?.GetValue<string>() ?? text;
            var retry = error is "ratelimited" or "service_unavailable" or "internal_error" or "fatal_error" or "request_timeout";
            return new SendResult(retry ? SendOutcome.Retryable : SendOutcome.Permanent, status, $"Slack API error: {error}", time.GetElapsedTime(started));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException)
        {
            return new SendResult(SendOutcome.Retryable, null, $"POST {UrlRedactor.Redact(url)}: timeout after {Timeout.TotalSeconds:0}s", time.GetElapsedTime(started));
        }
        catch (HttpRequestException e)
        {
            return new SendResult(SendOutcome.Retryable, null, UrlRedactor.Scrub($"POST {UrlRedactor.Redact(url)}: {e.Message}", url), time.GetElapsedTime(started));
        }
        catch (System.Text.Json.JsonException)
        {
            return new SendResult(SendOutcome.Retryable, null, "Slack API answered with something that is not JSON", time.GetElapsedTime(started));
        }
    }

    /// <summary>The request body it sends for this data (the route tester shows it too).</summary>
    internal string BuildBody(NotificationData data, ActionLinks? links) => body(data, links);

    public string Preview(NotificationData data, ActionLinks? links) => BuildBody(data, links);

    /// <summary>Slack's control characters in user data: &amp;, &lt; and &gt; must be escaped, or they become links and mentions.</summary>
    public static string Escape(string s) => s.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
