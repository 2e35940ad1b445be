using System.Text.Json;
using Alerting.Channels.Http;
using Alerting.Core.Notifications;
using Alerting.GoTemplates;
using Alerting.Templating;

namespace Alerting.Channels.WeChat;

/// <summary>
/// WeChat Work application messages (<c>wechat_configs</c>), as Alertmanager's notifier: an access token from
/// <c>gettoken</c>, kept for two hours per entry until the next reload, then <c>message/send</c>.
/// Errcode 42001 (token expired) drops the token and retries; other errcodes are permanent. A status other
/// than 200 from message/send is retried, whatever it is.
/// </summary>
internal sealed class WeChatNotifier(
    WeChatConfig config, WeChatTokenCache tokens, HttpClientProvider clients, GoTemplateSet templates, TimeProvider time) : INotifier
{
    internal static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>Alertmanager asks for a new token when the one it has is older than this.</summary>
    public static readonly TimeSpan TokenLifetime = TimeSpan.FromHours(2);

    /// <summary>WeChat's "access_token expired".</summary>
    public const int TokenExpired = 42001;

    public string Integration => WeChatChannel.Name;

    public bool SendResolved => config.SendResolved;

    public async Task<SendResult> SendAsync(NotificationRequest request, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        var data = request.Data ?? throw new InvalidOperationException("WeChat needs the notification data");
        // A markdown message gets the data with its markup made inert, as WeCom's; text is shown as is.
        var tmpl = new TemplateExpander(templates, config.MessageType == "markdown" ? ChatData.Escape(data, ChatText.FullWidth) : ChatData.SafeUrls(data));
        var (token, failure) = await TokenAsync(tmpl, ct);
        if (token is null)
        {
            return failure! with { Latency = time.GetElapsedTime(started) };
        }
        var parts = new WeChatParts(
            ToUser: tmpl.Text(config.ToUser), ToParty: tmpl.Text(config.ToParty), ToTag: tmpl.Text(config.ToTag), AgentId: tmpl.Text(config.AgentId),
            Content: tmpl.Text(config.Message));
        if (tmpl.Error is { } error)
        {
            return HttpDelivery.Permanent($"templating error: {error.Message}", time.GetElapsedTime(started));
        }
        var url = new Uri(WeChatUrls.MessageSend(config.ApiUrl, token));
        using var message = AlertmanagerHttp.PostJson(url, WeChatMessage.Body(parts, config.MessageType));
        var (status, answer, problem) = await ExchangeAsync(message, ct);
        var result = Verdict(status, answer, problem, token);
        return result with { Error = result.Error is { } e ? UrlRedactor.Scrub(e, url) : null, Latency = time.GetElapsedTime(started) };
    }

    /// <summary>The answer to message/send, read as Alertmanager reads it.</summary>
    private SendResult Verdict(int? status, string? answer, string? problem, string token)
    {
        if (problem is not null)
        {
            return new SendResult(SendOutcome.Retryable, status, problem, TimeSpan.Zero);
        }
        if (status != 200)
        {
            return new SendResult(SendOutcome.Retryable, status, $"unexpected status code {status}", TimeSpan.Zero);
        }
        int code;
        string? errmsg;
        try
        {
            using var json = JsonDocument.Parse(answer!);
            code = json.RootElement.TryGetProperty("errcode", out var c) ? c.GetInt32() : 0;
            errmsg = json.RootElement.TryGetProperty("errmsg", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : "";
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return new SendResult(SendOutcome.Retryable, status, $"wechat: answer is not JSON: {e.Message}", TimeSpan.Zero);
        }
        if (code == 0)
        {
            return new SendResult(SendOutcome.Success, status, null, TimeSpan.Zero);
        }
        if (code == TokenExpired)
        {
            tokens.Drop(token);
            return new SendResult(SendOutcome.Retryable, status, errmsg, TimeSpan.Zero);
        }
        return new SendResult(SendOutcome.Permanent, status, errmsg, TimeSpan.Zero);
    }

    /// <summary>The cached token, or a fresh one from gettoken; else the failure to report.</summary>
    private async Task<(string? Token, SendResult? Failure)> TokenAsync(TemplateExpander tmpl, CancellationToken ct)
    {
        if (tokens.Get(time.GetUtcNow(), TokenLifetime) is { } cached)
        {
            return (cached, null);
        }
        string secret;
        try
        {
            secret = config.ApiSecretFile is { Length: > 0 } file ? (await File.ReadAllTextAsync(file, ct)).Trim() : config.ApiSecret ?? "";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, Failed(SendOutcome.Permanent, null, e.Message));
        }
        var corpSecret = tmpl.Text(secret);
        var corpId = tmpl.Text(config.CorpId);
        if (tmpl.Error is { } error)
        {
            return (null, Failed(SendOutcome.Permanent, null, $"templating error: {error.Message}"));
        }
        var url = new Uri(WeChatUrls.GetToken(config.ApiUrl, corpId, corpSecret));
        using var request = AlertmanagerHttp.Get(url);
        var (status, answer, problem) = await ExchangeAsync(request, ct);
        if (problem is not null)
        {
            return (null, Failed(SendOutcome.Retryable, status, UrlRedactor.Scrub(problem, url)));
        }
        // Alertmanager reads the body whatever the status; one without a token is a permanent failure.
        string? token;
        try
        {
            using var json = JsonDocument.Parse(answer!);
            token = json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("access_token", out var t) && t.ValueKind == JsonValueKind.String
                ? t.GetString()
                : null;
        }
        catch (JsonException e)
        {
            return (null, Failed(SendOutcome.Permanent, status, $"wechat gettoken: {e.Message}"));
        }
        if (string.IsNullOrEmpty(token))
        {
            return (null, Failed(SendOutcome.Permanent, status, $"invalid APISecret for CorpID: {config.CorpId}"));
        }
        tokens.Set(token, time.GetUtcNow());
        return (token, null);
    }

    private static SendResult Failed(SendOutcome outcome, int? status, string error) => new(outcome, status, error, TimeSpan.Zero);

    /// <summary>One request under the timeout: its status and body, or why there is none (URL redacted).</summary>
    private async Task<(int? Status, string? Body, string? Problem)> ExchangeAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var client = clients.Get(config.HttpConfig);
        request.Version = client.DefaultRequestVersion;
        request.VersionPolicy = client.DefaultVersionPolicy;
        var where = $"{request.Method} {UrlRedactor.Redact(request.RequestUri!)}";
        using var timeout = new CancellationTokenSource(Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        try
        {
            using var response = await client.SendAsync(request, linked.Token);
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(linked.Token), null);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException)
        {
            return (null, null, $"{where}: timeout after {HttpDelivery.Seconds(Timeout)}s");
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return (null, null, $"{where}: {e.Message}");
        }
    }
}
