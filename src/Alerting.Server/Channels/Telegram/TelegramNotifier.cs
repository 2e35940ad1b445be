using System.Globalization;
using System.Text.Json;
using Alerting.Channels.Http;
using Alerting.Core.Notifications;
using Alerting.GoTemplates;
using Alerting.Templating;

namespace Alerting.Channels.Telegram;

/// <summary>
/// Telegram (<c>telegram_configs</c>), as Alertmanager's notifier through telebot: the message from a Go
/// template (html/template escaping in HTML mode), sendMessage with the bot token in the path. Telegram's
/// answer decides, whatever the status: <c>"ok": true</c> succeeds, anything else is retried, as Alertmanager
/// retries every Telegram failure. Only a template that fails is given up at once.
/// </summary>
internal sealed class TelegramNotifier(TelegramConfig config, HttpClientProvider clients, GoTemplateSet templates, TimeProvider time) : INotifier
{
    internal static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public string Integration => TelegramChannel.Name;

    public bool SendResolved => config.SendResolved;

    public async Task<SendResult> SendAsync(NotificationRequest request, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        var text = Text(request.Data ?? throw new InvalidOperationException("Telegram needs the notification data"), out var templateError);
        if (text is null)
        {
            return HttpDelivery.Permanent(templateError!, time.GetElapsedTime(started));
        }
        string token;
        long chatId;
        try
        {
            token = config.BotTokenFile is { Length: > 0 } tokenFile ? (await File.ReadAllTextAsync(tokenFile, ct)).Trim() : config.BotToken ?? "";
            chatId = config.ChatIdFile is { Length: > 0 } chatFile ? ParseChatId(chatFile, await File.ReadAllTextAsync(chatFile, ct)) : config.ChatId;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            // Alertmanager retries these too: the file may be fixed before the next attempt.
            return new SendResult(SendOutcome.Retryable, null, e.Message, time.GetElapsedTime(started));
        }
        var result = await PostAsync(TelegramMessage.Url(config.ApiUrl, token), TelegramMessage.Body(chatId, text, config), ct);
        return result with
        {
            Error = token.Length > 0 ? result.Error?.Replace(token, "<secret>", StringComparison.Ordinal) : result.Error,
            Latency = time.GetElapsedTime(started),
        };
    }

    /// <summary>The text as sent, or null with the template's error.</summary>
    internal string? Text(NotificationData data, out string? error)
    {
        var tmpl = new TemplateExpander(templates, ChatData.Escape(data, TelegramMessage.Escaper(config.ParseMode), TelegramMessage.UrlEscaper(config.ParseMode)));
        var rendered = config.ParseMode == "HTML" ? tmpl.Html(config.Message) : tmpl.Text(config.Message);
        error = tmpl.Error?.Message;
        return tmpl.Error is null ? TelegramMessage.Text(config.ParseMode, rendered).Text : null;
    }

    private static long ParseChatId(string file, string content) =>
        long.TryParse(content.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw new FormatException($"could not parse chat_id from {file}");

    private async Task<SendResult> PostAsync(string url, string body, CancellationToken ct)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return new SendResult(SendOutcome.Retryable, null, "telegram api_url and bot token do not make a valid URL", TimeSpan.Zero);
        }
        using var message = AlertmanagerHttp.PostJson(uri, body, AlertmanagerHttp.GoUserAgent);
        var client = clients.Get(config.HttpConfig);
        message.Version = client.DefaultRequestVersion;
        message.VersionPolicy = client.DefaultVersionPolicy;
        using var timeout = new CancellationTokenSource(Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        try
        {
            using var response = await client.SendAsync(message, linked.Token);
            var status = (int)response.StatusCode;
            var answer = await response.Content.ReadAsStringAsync(linked.Token);
            return Verdict(answer) is { } error
                ? new SendResult(SendOutcome.Retryable, status, error, TimeSpan.Zero)
                : new SendResult(SendOutcome.Success, status, null, TimeSpan.Zero);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException)
        {
            return new SendResult(SendOutcome.Retryable, null, $"telegram: timeout after {HttpDelivery.Seconds(Timeout)}s", TimeSpan.Zero);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return new SendResult(SendOutcome.Retryable, null, "telegram: " + e.Message, TimeSpan.Zero);
        }
    }

    /// <summary>
    /// telebot's reading of the answer: null when it is <c>{"ok": true, "result": {...}}</c>, else why not
    /// (<c>telegram: description (code)</c> for Telegram's own errors).
    /// </summary>
    internal static string? Verdict(string answer)
    {
        try
        {
            using var json = JsonDocument.Parse(answer);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return $"telegram: unexpected answer: {Cut(answer)}";
            }
            var ok = root.TryGetProperty("ok", out var okValue) && okValue.ValueKind == JsonValueKind.True;
            if (!ok)
            {
                var description = root.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : Cut(answer);
                var code = root.TryGetProperty("error_code", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetRawText() : "0";
                return $"telegram: {description} ({code})";
            }
            // A result that is not a message (true, a number) fails telebot's extractMessage.
            return root.TryGetProperty("result", out var result) && result.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null)
                ? $"telegram: unexpected result: {Cut(result.GetRawText())}"
                : null;
        }
        catch (JsonException)
        {
            return $"telegram: answer is not JSON: {Cut(answer)}";
        }
    }

    private static string Cut(string s) => s.Length <= HttpDelivery.MaxErrorBodyBytes ? s : s[..HttpDelivery.MaxErrorBodyBytes];
}
