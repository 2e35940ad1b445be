using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alerting.Channels.Http;
using Alerting.Core.Notifications;
using Alerting.Templating;

namespace Alerting.Channels.WeCom;

/// <summary>The content of one WeCom message (markdown or plain text), and its language.</summary>
internal sealed record WeComContent(string Text)
{
    public string Language { get; init; } = "en";
}

/// <summary>
/// WeCom group robot (<c>wecom_configs</c>): a markdown or text message with its content under WeCom's cap
/// (4,096 bytes of UTF-8 for markdown, 2,048 for text), mentions, and at most 20 messages a minute per robot
/// across all instances. WeCom answers HTTP 200 with an errcode, which decides success.
/// </summary>
internal sealed class WeComNotifier(
    WeComConfig config,
    HttpClientProvider clients,
    RateLimiter limiter,
    Func<NotificationData, ActionLinks?, WeComContent> render,
    TimeProvider time) : INotifier, IMessagePreview
{
    public const int MaxMarkdownBytes = 4096;
    public const int MaxTextBytes = 2048;
    public const int MessagesPerMinute = 20;
    internal static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static readonly JsonSerializerOptions s_json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public string Integration => WeComChannel.Name;

    public bool SendResolved => config.SendResolved;

    public async Task<SendResult> SendAsync(NotificationRequest request, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        var (robot, error) = await RobotAsync(ct);
        if (robot is null)
        {
            return HttpDelivery.Permanent(error!, time.GetElapsedTime(started));
        }

        var wait = await limiter.TryAcquireAsync(RateLimiter.KeyFor(WeComChannel.Name, robot.AbsoluteUri), MessagesPerMinute, TimeSpan.FromMinutes(1), time.GetUtcNow(), ct);
        if (wait is { } delay)
        {
            return new SendResult(SendOutcome.Retryable, null, $"rate limit: {MessagesPerMinute} messages a minute to this robot; waiting {delay.TotalSeconds:0.#}s", time.GetElapsedTime(started), delay);
        }

        var body = BuildBody(request.Data ?? throw new InvalidOperationException("WeCom needs the notification data"), request.Links);
        using var message = new HttpRequestMessage(HttpMethod.Post, robot) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
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
                    UrlRedactor.Scrub($"unexpected status code {status}: {Cut(text)}", robot), time.GetElapsedTime(started));
            }
            var result = Classify(status, text, time.GetElapsedTime(started));
            return result.Error is { } e ? result with { Error = UrlRedactor.Scrub(e, robot) } : result;
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
            return new SendResult(SendOutcome.Retryable, null, UrlRedactor.Scrub($"POST {UrlRedactor.Redact(robot)}: {e.Message}", robot), time.GetElapsedTime(started));
        }
    }

    /// <summary>
    /// errcode 0 is success; 45009 (over 20 a minute) is retried after a minute; -1 (system busy) is retried,
    /// as WeCom advises; 93000 (invalid webhook URL: a wrong key, or the robot was removed) and every other
    /// errcode (bad message, content too long) are problems a retry cannot fix.
    /// </summary>
    internal static SendResult Classify(int status, string body, TimeSpan latency)
    {
        long errcode;
        string errmsg;
        try
        {
            var json = JsonNode.Parse(body);
            errcode = json?["errcode"]?.GetValue<long>() ?? throw new FormatException("no errcode");
            errmsg = json!["errmsg"]?.GetValue<string>() ?? "";
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return new SendResult(SendOutcome.Retryable, status, $"WeCom answered without an errcode: {Cut(body)}", latency);
        }
        return errcode switch
        {
            0 => new SendResult(SendOutcome.Success, status, null, latency),
            45009 => new SendResult(SendOutcome.Retryable, status, $"WeCom errcode 45009 (over the robot's rate limit): {errmsg}", latency, TimeSpan.FromSeconds(60)),
            -1 => new SendResult(SendOutcome.Retryable, status, $"WeCom errcode -1 (system busy): {errmsg}", latency),
            93000 => new SendResult(SendOutcome.Permanent, status, $"WeCom errcode 93000 (invalid webhook URL: wrong key, or the robot was removed): {errmsg}", latency),
            _ => new SendResult(SendOutcome.Permanent, status, $"WeCom errcode {errcode}: {errmsg}", latency),
        };
    }

    /// <summary>
    /// The request body. Content over WeCom's cap first loses whole alerts ("and N more"); if one alert is
    /// still too long, it is cut at a line with a marker. Mentions are never cut.
    /// </summary>
    public string Preview(NotificationData data, ActionLinks? links) => BuildBody(data, links);

    internal string BuildBody(NotificationData data, ActionLinks? links)
    {
        var markdown = config.MessageType == WeComMessageType.Markdown;
        var (users, mobiles) = Mentions(markdown);
        // Markdown pings the people whose <@userid> is in the content; text lists them beside it.
        var suffix = markdown && users.Count > 0 ? "\n\n" + string.Join(" ", users.Select(u => $"<@{u}>")) : "";
        var budget = (markdown ? MaxMarkdownBytes : MaxTextBytes) - Encoding.UTF8.GetByteCount(suffix);
        bool Fits(string s) => Encoding.UTF8.GetByteCount(s) <= budget;
        WeComContent content;
        for (var keep = data.Alerts.Count; ; keep = keep > 1 ? keep * 3 / 4 : 0)
        {
            // Dropped alerts count as truncated: the template says "and N more" in its language, and counts them.
            var shown = keep < data.Alerts.Count
                ? data with { Alerts = [.. data.Alerts.Take(keep)], TruncatedAlerts = data.TruncatedAlerts + data.Alerts.Count - keep }
                : data;
            content = render(shown, links);
            if (Fits(content.Text) || keep == 0)
            {
                break;
            }
        }
        var text = LineCut.Cut(content.Text, LineCut.Marker(content.Language), Fits) + suffix;
        var body = markdown
            ? new JsonObject { ["msgtype"] = "markdown", ["markdown"] = new JsonObject { ["content"] = text } }
            : new JsonObject { ["msgtype"] = "text", ["text"] = Text(text, users, mobiles) };
        return body.ToJsonString(s_json);
    }

    private static JsonObject Text(string content, List<string> users, List<string> mobiles)
    {
        var text = new JsonObject { ["content"] = content };
        if (users.Count > 0)
        {
            text["mentioned_list"] = new JsonArray([.. users.Select(u => (JsonNode)u)]);
        }
        if (mobiles.Count > 0)
        {
            text["mentioned_mobile_list"] = new JsonArray([.. mobiles.Select(m => (JsonNode)m)]);
        }
        return text;
    }

    /// <summary>
    /// People to ping: the config's only, never the alerts' (whoever can post an alert must not ping a group). A
    /// markdown message can only name user ids, so it leaves out phone numbers and @all.
    /// </summary>
    private (List<string> Users, List<string> Mobiles) Mentions(bool markdown) =>
        markdown
            ? ([.. config.MentionedList.Where(u => u != "@all").Distinct(StringComparer.Ordinal)], [])
            : ([.. config.MentionedList.Distinct(StringComparer.Ordinal)], [.. config.MentionedMobileList.Distinct(StringComparer.Ordinal)]);

    /// <summary>The robot's URL: given whole, read from url_file, or api_url with the key (from key_file, read at every send).</summary>
    private async Task<(Uri? Url, string? Error)> RobotAsync(CancellationToken ct)
    {
        if (config.Key is null && config.KeyFile is null)
        {
            return await SecretUrl.ResolveAsync(WeComChannel.Name, "url", config.Url, "url_file", config.UrlFile, ct);
        }
        var key = config.Key;
        if (config.KeyFile is { Length: > 0 } file)
        {
            try
            {
                key = (await File.ReadAllTextAsync(file, ct)).Trim();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return (null, $"read key_file: {e.Message}");
            }
        }
        if (string.IsNullOrEmpty(key))
        {
            return (null, config.KeyFile is null ? "wecom key is empty" : $"key_file {config.KeyFile} is empty");
        }
        var separator = config.ApiUrl.Contains('?', StringComparison.Ordinal) ? "&" : "?";
        return Uri.TryCreate($"{config.ApiUrl}{separator}key={Uri.EscapeDataString(key)}", UriKind.Absolute, out var url)
            ? (url, null)
            : (null, "wecom api_url with the key is not a valid URL");
    }

    private static string Cut(string s) => s.Length <= 1024 ? s : s[..1024] + "…";
}
