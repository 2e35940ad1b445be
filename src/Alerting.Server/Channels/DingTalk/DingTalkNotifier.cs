using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alerting.Channels.Http;
using Alerting.Core.Notifications;
using Alerting.Templating;

namespace Alerting.Channels.DingTalk;

/// <summary>The title and markdown text of one DingTalk message, and the words around them in its language.</summary>
internal sealed record DingTalkContent(string Title, string Text)
{
    public ButtonTitles Buttons { get; init; } = ButtonTitles.English;
}

/// <summary>
/// DingTalk custom robot (<c>dingtalk_configs</c>): markdown or actionCard messages, optional request
/// signing, mentions, a keyword, a body under 20,000 bytes, and at most 20 messages a minute per robot
/// across all instances. DingTalk answers HTTP 200 with an errcode, which decides success.
/// </summary>
internal sealed class DingTalkNotifier(
    DingTalkConfig config,
    HttpClientProvider clients,
    RateLimiter limiter,
    Func<NotificationData, ActionLinks?, DingTalkContent> render,
    TimeProvider time) : INotifier, IMessagePreview
{
    public const int MaxBodyBytes = 20_000;
    public const int MessagesPerMinute = 20;
    internal static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public string Integration => "dingtalk";

    public bool SendResolved => config.SendResolved;

    public async Task<SendResult> SendAsync(NotificationRequest request, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        var (robot, error) = await SecretUrl.ResolveAsync("dingtalk", "url", config.Url, "url_file", config.UrlFile, ct);
        if (robot is null)
        {
            return HttpDelivery.Permanent(error!, time.GetElapsedTime(started));
        }

        var wait = await limiter.TryAcquireAsync(RateLimiter.KeyFor("dingtalk", robot.AbsoluteUri), MessagesPerMinute, TimeSpan.FromMinutes(1), time.GetUtcNow(), ct);
        if (wait is { } delay)
        {
            return new SendResult(SendOutcome.Retryable, null, $"rate limit: {MessagesPerMinute} messages a minute to this robot; waiting {delay.TotalSeconds:0.#}s", time.GetElapsedTime(started), delay);
        }

        var secret = config.Secret;
        if (config.SecretFile is { Length: > 0 } file)
        {
            (secret, var problem) = await SecretFile.ReadAsync(file, ct);
            if (string.IsNullOrEmpty(secret))
            {
                return HttpDelivery.Permanent(problem is null ? $"secret_file {file} is empty" : $"read secret_file: {problem}", time.GetElapsedTime(started));
            }
        }
        var body = BuildBody(request.Data ?? throw new InvalidOperationException("DingTalk needs the notification data"), request.Links);
        var url = secret is { Length: > 0 } ? Sign(robot, secret, time.GetUtcNow()) : robot;
        using var message = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        using var timeout = new CancellationTokenSource(Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        try
        {
            using var response = await clients.Get(config.HttpConfig).SendAsync(message, linked.Token);
            var status = (int)response.StatusCode;
            var text = await response.Content.ReadAsStringAsync(linked.Token);
            if (status is < 200 or >= 300)
            {
                var retry = status >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests;
                return new SendResult(retry ? SendOutcome.Retryable : SendOutcome.Permanent, status,
                    UrlRedactor.Scrub($"unexpected status code {status}: {Cut(text)}", url), time.GetElapsedTime(started));
            }
            return Classify(status, text, time.GetElapsedTime(started));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException)
        {
            return new SendResult(SendOutcome.Retryable, null, $"POST {UrlRedactor.Redact(robot)}: timeout after {Timeout.TotalSeconds:0}s", time.GetElapsedTime(started));
        }
        catch (HttpRequestException e)
        {
            return new SendResult(SendOutcome.Retryable, null, UrlRedactor.Scrub($"POST {UrlRedactor.Redact(robot)}: {e.Message}", url), time.GetElapsedTime(started));
        }
    }

    /// <summary>
    /// errcode 0 is success; 130101 (sending too fast) is retried after a long pause; 310000 (keyword,
    /// signature, IP allow-list, timestamp) and 460101/101002 (too long) are configuration or content
    /// problems that a retry cannot fix.
    /// </summary>
    internal static SendResult Classify(int status, string body, TimeSpan latency)
    {
        long errcode;
        string errmsg;
        try
        {
            var json = JsonNode.Parse(body);
            errcode = json?["errcode"]?.GetValue<long>() ?? -1;
            errmsg = json?["errmsg"]?.GetValue<string>() ?? "";
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return new SendResult(SendOutcome.Retryable, status, $"DingTalk answered without an errcode: {Cut(body)}", latency);
        }
        return errcode switch
        {
            0 => new SendResult(SendOutcome.Success, status, null, latency),
            130101 => new SendResult(SendOutcome.Retryable, status, $"DingTalk errcode 130101 (sending too fast): {errmsg}", latency, TimeSpan.FromSeconds(60)),
            310000 => new SendResult(SendOutcome.Permanent, status, $"DingTalk errcode 310000 (keyword, signature, IP allow-list or timestamp check failed): {errmsg}", latency),
            460101 or 101002 => new SendResult(SendOutcome.Permanent, status, $"DingTalk errcode {errcode} (message too long): {errmsg}", latency),
            _ => new SendResult(SendOutcome.Permanent, status, $"DingTalk errcode {errcode}: {errmsg}", latency),
        };
    }

    /// <summary>DingTalk's signature: HMAC-SHA256 over "timestamp\nsecret", Base64, URL-encoded once.</summary>
    internal static Uri Sign(Uri robot, string secret, DateTimeOffset now)
    {
        var timestamp = now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        var signature = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(timestamp + "\n" + secret)));
        var separator = robot.Query.Length > 0 ? "&" : "?";
        return new Uri($"{robot.AbsoluteUri}{separator}timestamp={timestamp}&sign={Uri.EscapeDataString(signature)}");
    }

    /// <summary>The request body, kept under 20,000 bytes by dropping whole alerts ("and N more").</summary>
    public string Preview(NotificationData data, ActionLinks? links) => BuildBody(data, links);

    internal string BuildBody(NotificationData data, ActionLinks? links)
    {
        var (mobiles, userIds) = Mentions();
        for (var keep = data.Alerts.Count; ; keep = keep > 1 ? keep * 3 / 4 : 0)
        {
            // Dropped alerts count as truncated: the template says "and N more" in its language, and counts them.
            var shown = keep < data.Alerts.Count
                ? data with { Alerts = [.. data.Alerts.Take(keep)], TruncatedAlerts = data.TruncatedAlerts + data.Alerts.Count - keep }
                : data;
            var content = render(shown, links);
            var text = content.Text;
            if (config.Keyword is { Length: > 0 } keyword && !text.Contains(keyword, StringComparison.Ordinal))
            {
                // A robot with a keyword rejects (310000) every message without it.
                text += $"\n\n{keyword}";
            }
            if (mobiles.Count > 0 || userIds.Count > 0)
            {
                // DingTalk pings only people whose @ also appears in the text.
                text += "\n\n" + string.Join(" ", mobiles.Concat(userIds).Select(m => "@" + m));
            }
            var body = Serialize(content.Title, text, mobiles, userIds, links, content.Buttons);
            if (Encoding.UTF8.GetByteCount(body) <= MaxBodyBytes || keep == 0)
            {
                return body;
            }
        }
    }

    private string Serialize(string title, string text, IReadOnlyList<string> mobiles, IReadOnlyList<string> userIds, ActionLinks? links, ButtonTitles buttons)
    {
        var at = new JsonObject
        {
            ["atMobiles"] = new JsonArray([.. mobiles.Select(m => (JsonNode)m)]),
            ["atUserIds"] = new JsonArray([.. userIds.Select(m => (JsonNode)m)]),
            ["isAtAll"] = config.IsAtAll,
        };
        JsonObject message;
        if (config.MessageType == DingTalkMessageType.ActionCard && links is not null)
        {
            message = new JsonObject
            {
                ["msgtype"] = "actionCard",
                ["actionCard"] = new JsonObject
                {
                    ["title"] = title,
                    ["text"] = text,
                    ["btnOrientation"] = "1",
                    ["btns"] = new JsonArray(
                        Button(buttons.View, links.View), Button(buttons.Silence1h, links.Silence1h),
                        Button(buttons.Silence24h, links.Silence24h), Button(buttons.Acknowledge, links.Acknowledge)),
                },
                ["at"] = at,
            };
        }
        else
        {
            message = new JsonObject
            {
                ["msgtype"] = "markdown",
                ["markdown"] = new JsonObject { ["title"] = title, ["text"] = text },
                ["at"] = at,
            };
        }
        return message.ToJsonString();
    }

    private static JsonObject Button(string title, string url) => new() { ["title"] = title, ["actionURL"] = url };

    /// <summary>People to ping: the config's only, never the alerts' (whoever can post an alert must not ping a group).</summary>
    private (List<string> Mobiles, List<string> UserIds) Mentions() =>
        ([.. config.AtMobiles.Distinct(StringComparer.Ordinal)], [.. config.AtUserIds.Distinct(StringComparer.Ordinal)]);

    private static string Cut(string s) => s.Length <= 1024 ? s : s[..1024] + "…";
}
