namespace Alerting.Channels.Http;

/// <summary>
/// One JSON POST to a webhook whose URL is its credential (Discord, both Teams kinds), as Alertmanager's notifiers
/// make it: the URL from <c>webhook_url</c> or its file, Alertmanager's retry rule, and the URL's path (token,
/// signature) kept out of errors and history.
/// </summary>
internal static class SecretUrlPost
{
    /// <param name="body">The rendered body, or null when a template failed (<paramref name="bodyError"/>): not retried.</param>
    public static async Task<SendResult> SendAsync(
        string kind, (string? Url, string? File) target, string? body, string? bodyError, HttpClient client, TimeSpan timeout, TimeProvider time, long started, CancellationToken ct)
    {
        if (body is null)
        {
            return HttpDelivery.Permanent(bodyError!, time.GetElapsedTime(started));
        }
        var (url, problem) = await SecretUrl.ResolveAsync(kind, "webhook_url", target.Url, "webhook_url_file", target.File, ct);
        if (url is null)
        {
            return HttpDelivery.Permanent(problem!, time.GetElapsedTime(started));
        }
        using var message = AlertmanagerHttp.PostJson(url, body);
        var result = await HttpDelivery.SendAsync(client, message, timeout, time, ct, Retrier.Default);
        return result.Error is { } e && url.AbsolutePath.Length > 1
            ? result with { Error = e.Replace(url.AbsolutePath, "/<secret>", StringComparison.Ordinal), Latency = time.GetElapsedTime(started) }
            : result with { Latency = time.GetElapsedTime(started) };
    }
}
