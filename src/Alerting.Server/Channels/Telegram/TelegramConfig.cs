using Alerting.Core.Configuration;

namespace Alerting.Channels.Telegram;

/// <summary>
/// <c>telegram_configs</c> as Alertmanager's TelegramConfig: its defaults, its validation, and the globals
/// (<c>telegram_api_url</c>, <c>telegram_bot_token(_file)</c>) filled in as its config loader does.
/// </summary>
internal sealed record TelegramConfig : IntegrationConfig
{
    public const string DefaultMessage = """{{ template "telegram.default.message" . }}""";

    public override string Kind => TelegramChannel.Name;

    public override bool SendResolved { get; init; } = true;

    public HttpClientConfig HttpConfig { get; init; } = HttpClientConfig.Default;

    /// <summary>The Bot API's base URL, as written (a trailing slash stays, as in Alertmanager).</summary>
    public string ApiUrl { get; init; } = TelegramDefaults.DefaultApiUrl;

    public string? BotToken { get; init; }

    public string? BotTokenFile { get; init; }

    /// <summary>0 when <see cref="ChatIdFile"/> gives it.</summary>
    public long ChatId { get; init; }

    public string? ChatIdFile { get; init; }

    public long MessageThreadId { get; init; }

    /// <summary>A Go template.</summary>
    public string Message { get; init; } = DefaultMessage;

    public bool DisableNotifications { get; init; }

    /// <summary>HTML (the default), Markdown, MarkdownV2, or "" for none.</summary>
    public string ParseMode { get; init; } = "HTML";

    public static TelegramConfig Read(MapReader t, GlobalConfig global)
    {
        var defaults = global.DefaultsOf<TelegramDefaults>() ?? TelegramDefaults.None;
        var botToken = t.String("bot_token");
        var botTokenFile = t.FilePath("bot_token_file");
        t.AtMostOne("bot_token", "bot_token_file");
        var chatId = t.Int("chat_id") ?? 0;
        var chatIdFile = t.FilePath("chat_id_file");
        if (chatId == 0 && string.IsNullOrEmpty(chatIdFile))
        {
            t.Error("chat_id", "missing chat_id or chat_id_file on telegram_config");
        }
        else if (chatId != 0 && !string.IsNullOrEmpty(chatIdFile))
        {
            t.Error("chat_id_file", "at most one of chat_id & chat_id_file must be configured");
        }
        var parseMode = t.StringOr("parse_mode", "HTML");
        if (parseMode is not ("" or "Markdown" or "MarkdownV2" or "HTML"))
        {
            t.Error("parse_mode", "unknown parse_mode on telegram_config, must be Markdown, MarkdownV2, HTML or empty string");
        }
        if (string.IsNullOrEmpty(botToken) && string.IsNullOrEmpty(botTokenFile))
        {
            if (string.IsNullOrEmpty(defaults.BotToken) && string.IsNullOrEmpty(defaults.BotTokenFile))
            {
                t.Error("bot_token", "missing bot_token or bot_token_file on telegram_config");
            }
            botToken = defaults.BotToken;
            botTokenFile = defaults.BotTokenFile;
        }
        var config = new TelegramConfig
        {
            SendResolved = t.BoolOr("send_resolved", true),
            HttpConfig = t.HttpConfig("http_config") ?? global.HttpConfig,
            ApiUrl = t.Url("api_url") ?? defaults.ApiUrl,
            BotToken = botToken,
            BotTokenFile = botTokenFile,
            ChatId = chatId,
            ChatIdFile = chatIdFile,
            MessageThreadId = t.Int("message_thread_id") ?? 0,
            Message = t.StringOr("message", DefaultMessage),
            DisableNotifications = t.BoolOr("disable_notifications", false),
            ParseMode = parseMode,
            Line = LoadContext.Line(t.Node),
        };
        t.Finish();
        return config;
    }
}

/// <summary><c>telegram_api_url</c> and <c>telegram_bot_token(_file)</c> under <c>global:</c>.</summary>
internal sealed record TelegramDefaults(string ApiUrl, string? BotToken, string? BotTokenFile)
{
    public const string DefaultApiUrl = "https://api.telegram.org";

    public static readonly TelegramDefaults None = new(DefaultApiUrl, null, null);

    public static TelegramDefaults Read(MapReader? g)
    {
        if (g is null)
        {
            return None;
        }
        var defaults = new TelegramDefaults(g.Url("telegram_api_url") ?? DefaultApiUrl, g.String("telegram_bot_token"), g.FilePath("telegram_bot_token_file"));
        g.AtMostOne("telegram_bot_token", "telegram_bot_token_file");
        return defaults;
    }
}
