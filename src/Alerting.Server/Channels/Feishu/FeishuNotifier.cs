using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alerting.Channels.Http;
using Alerting.Core.Notifications;
using Alerting.Templating;

namespace Alerting.Channels.Feishu;

/// <summary>The header title and markdown of one Feishu card, and the words around them in its language.</summary>
internal sealed record FeishuContent(string Title, string Markdown)
{
    public ButtonTitles Buttons { get; init; } = ButtonTitles.English;

    public string Language { get; init; } = "en";
}

/// <summary>
/// Feishu/Lark custom bot (<c>feishu_configs</c>): an interactive card (header coloured by status, markdown,
/// buttons for the action links), optionally signed, in a body of at most 20,000 bytes, and at most 5 messages
/// a second and 100 a minute per bot across all instances. Feishu answers with a JSON code, which decides success.
/// </summary>
internal sealed class FeishuNotifier(
    FeishuConfig config,
    HttpClientProvider clients,
    RateLimiter limiter,
    Func<NotificationData, ActionLinks?, FeishuContent> render,
    TimeProvider time) : INotifier
{
    /// <summary>Feishu refuses a body over 20 KB; count it as 20,000 bytes to be safe either way.</summary>
    public const int MaxBodyBytes = 20_000;
    public const int MessagesPerSecond = 5;
    public const int MessagesPerMinute = 100;
    internal static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>How long to wait after Feishu says the bot is over its limit.</summary>
    internal static readonly TimeSpan RateLimitedWait = TimeSpan.FromSeconds(10);

    /// <summary>Feishu's two limits per bot, each counted under its own key.</summary>
    private static readonly (int Limit, TimeSpan Window, string What)[] s_limits =
        [(MessagesPerSecond, TimeSpan.FromSeconds(1), "a second"), (MessagesPerMinute, TimeSpan.FromMinutes(1), "a minute")];

    private static readonly JsonSerializerOptions s_json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public string Integration => FeishuChannel.Name;

    public bool SendResolved => config.SendResolved;

    public async Task<SendResult> SendAsync(NotificationRequest request, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        var (bot, error) = await SecretUrl.ResolveAsync(FeishuChannel.Name, "url", config.Url, "url_file", config.UrlFile, ct);
        var (secret, secretError) = await SecretAsync(ct);
        if (bot is null || secretError is not null)
        {
            return HttpDelivery.Permanent((error ?? secretError)!, time.GetElapsedTime(started));
        }

        // The per-second window first: a refusal there costs no slot of the minute.
        var key = RateLimiter.KeyFor(FeishuChannel.Name, bot.AbsoluteUri);
        foreach (var (limit, window, what) in s_limits)
        {
            if (await limiter.TryAcquireAsync(key + ":" + window.TotalSeconds.ToString(CultureInfo.InvariantCulture), limit, window, time.GetUtcNow(), ct) is { } wait)
            {
                return new SendResult(SendOutcome.Retryable, null, $"rate limit: {limit} messages {what} to this bot; waiting {wait.TotalSeconds:0.#}s", time.GetElapsedTime(started), wait);
            }
        }

        (string Timestamp, string Sign)? signature = secret is null ? null : Sign(secret, time.GetUtcNow());
        var body = BuildBody(request.Data ?? throw new InvalidOperationException("Feishu needs the notification data"), request.Links, signature);
        using var message = new HttpRequestMessage(HttpMethod.Post, bot) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        using var timeout = new CancellationTokenSource(Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        try
        {
            using var response = await clients.Get(config.HttpConfig).SendAsync(message, linked.Token);
            var text = await response.Content.ReadAsStringAsync(linked.Token);
            var result = Classify((int)response.StatusCode, text, time.GetElapsedTime(started));
            return result.Error is { } e ? result with { Error = Scrub(e, bot) } : result;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException)
        {
            return new SendResult(SendOutcome.Retryable, null, $"POST {Redact(bot)}: timeout after {Timeout.TotalSeconds:0}s", time.GetElapsedTime(started));
        }
        catch (HttpRequestException e)
        {
            return new SendResult(SendOutcome.Retryable, null, Scrub($"POST {Redact(bot)}: {e.Message}", bot), time.GetElapsedTime(started));
        }
    }

    /// <summary>
    /// Feishu answers <c>{"code": N, "msg": "..."}</c>, with HTTP 200 or 400. Code 0 is success. 11232 (over the
    /// limit, or Feishu under load at the full and half hour) and 9499 "too many request" are retried after a
    /// pause; 9499 "Bad Request" (a malformed or oversized body), 19021 (signature or timestamp), 19022 (IP
    /// allow-list), 19024 (keyword) and every other code cannot be fixed by sending the same request again.
    /// HTTP 5xx and 429 are retried whatever the body says.
    /// </summary>
    internal static SendResult Classify(int status, string body, TimeSpan latency)
    {
        var (code, msg) = Parse(body);
        if (status >= 500 || status == (int)HttpStatusCode.TooManyRequests)
        {
            return new SendResult(SendOutcome.Retryable, status, $"unexpected status code {status}: {Cut(body)}", latency, status == 429 ? RateLimitedWait : null);
        }
        if (code is null)
        {
            // A 2xx without a code is no proof of delivery (a proxy's page, a truncated answer): try again.
            return status is >= 200 and < 300
                ? new SendResult(SendOutcome.Retryable, status, $"Feishu answered without a code: {Cut(body)}", latency)
                : new SendResult(SendOutcome.Permanent, status, $"unexpected status code {status}: {Cut(body)}", latency);
        }
        var tooMany = msg.Contains("too many", StringComparison.OrdinalIgnoreCase);
        return code switch
        {
            0 when status is >= 200 and < 300 => new SendResult(SendOutcome.Success, status, null, latency),
            0 => new SendResult(SendOutcome.Permanent, status, $"unexpected status code {status}: {Cut(body)}", latency),
            11232 => new SendResult(SendOutcome.Retryable, status, $"Feishu code 11232 (over the bot's rate limit): {msg}", latency, RateLimitedWait),
            9499 when tooMany => new SendResult(SendOutcome.Retryable, status, $"Feishu code 9499 (over the bot's rate limit): {msg}", latency, RateLimitedWait),
            9499 => new SendResult(SendOutcome.Permanent, status, $"Feishu code 9499 (bad request: malformed, or over 20 KB): {msg}", latency),
            19021 => new SendResult(SendOutcome.Permanent, status, $"Feishu code 19021 (signature does not match, or the clock is off by over an hour): {msg}", latency),
            19022 => new SendResult(SendOutcome.Permanent, status, $"Feishu code 19022 (IP address not on the bot's allow-list): {msg}", latency),
            19024 => new SendResult(SendOutcome.Permanent, status, $"Feishu code 19024 (the bot's keyword is not in the message): {msg}", latency),
            _ => new SendResult(SendOutcome.Permanent, status, $"Feishu code {code}: {msg}", latency),
        };
    }

    /// <summary>The code and message; <c>StatusCode</c>/<c>StatusMessage</c> are the older names Feishu still sends.</summary>
    private static (long? Code, string Msg) Parse(string body)
    {
        try
        {
            if (JsonNode.Parse(body) is not JsonObject json)
            {
                return (null, "");
            }
            var code = json["code"] ?? json["StatusCode"];
            var msg = json["msg"] ?? json["StatusMessage"];
            return (code?.GetValue<long>(), msg?.GetValue<string>() ?? "");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return (null, "");
        }
    }

    /// <summary>
    /// Feishu's signature: HMAC-SHA256 keyed with <c>timestamp + "\n" + secret</c> over an empty message, Base64;
    /// the timestamp is in seconds. Both go into the body.
    /// </summary>
    internal static (string Timestamp, string Sign) Sign(string secret, DateTimeOffset now)
    {
        var timestamp = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return (timestamp, Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(timestamp + "\n" + secret), Array.Empty<byte>())));
    }

    /// <summary>
    /// The request body, at most 20,000 bytes: whole alerts are dropped first ("and N more"); if one alert is
    /// still too long, the markdown is cut at a line with a marker. The title and buttons are always kept.
    /// </summary>
    internal string BuildBody(NotificationData data, ActionLinks? links, (string Timestamp, string Sign)? signature)
    {
        FeishuContent content;
        for (var keep = data.Alerts.Count; ; keep = keep > 1 ? keep * 3 / 4 : 0)
        {
            var shown = keep < data.Alerts.Count
                ? data with { Alerts = [.. data.Alerts.Take(keep)], TruncatedAlerts = data.TruncatedAlerts + data.Alerts.Count - keep }
                : data;
            content = render(shown, links);
            if (Fits(Serialize(content, content.Markdown)) || keep == 0)
            {
                break;
            }
        }
        var markdown = LineCut.Cut(content.Markdown, LineCut.Marker(content.Language), m => Fits(Serialize(content, m)));
        return Serialize(content, markdown);

        string Serialize(FeishuContent c, string markdown) =>
            FeishuCard.Body(data.Status, c.Title, markdown, links, c.Buttons, signature).ToJsonString(s_json);

        static bool Fits(string body) => Encoding.UTF8.GetByteCount(body) <= MaxBodyBytes;
    }

    /// <summary>The secret, from secret or secret_file (read at every send, so a rotated secret applies at once).</summary>
    private async Task<(string? Secret, string? Error)> SecretAsync(CancellationToken ct)
    {
        if (config.SecretFile is not { Length: > 0 } file)
        {
            return (string.IsNullOrEmpty(config.Secret) ? null : config.Secret, null);
        }
        try
        {
            var secret = (await File.ReadAllTextAsync(file, ct)).Trim();
            return secret.Length > 0 ? (secret, null) : (null, $"secret_file {file} is empty");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, $"read secret_file: {e.Message}");
        }
    }

    /// <summary>A bot's token is the last segment of its path: errors show only scheme and host.</summary>
    private static string Redact(Uri bot) => $"{bot.Scheme}://{bot.Authority}/<secret>";

    private static string Scrub(string text, Uri bot)
    {
        text = UrlRedactor.Scrub(text, bot).Replace(bot.AbsoluteUri, Redact(bot), StringComparison.Ordinal);
        var token = bot.Segments[^1].Trim('/');
        return token.Length >= 4 ? text.Replace(token, "<secret>", StringComparison.Ordinal) : text;
    }

    private static string Cut(string s) => s.Length <= 1024 ? s : s[..1024] + "…";
}
