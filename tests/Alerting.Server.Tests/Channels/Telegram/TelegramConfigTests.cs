using Alerting.Core.Configuration;
using Alerting.Infrastructure;

namespace Alerting.Channels.Telegram;

/// <summary>Alertmanager's TelegramConfig rules: defaults, globals, and each error with its line and field.</summary>
public sealed class TelegramConfigTests
{
    private static string Yaml(string entry, string global = "") => $"""
        {global}route:
          receiver: r
        receivers:
          - name: r
            telegram_configs:
              - {entry}
        """;

    private static TelegramConfig Load(string entry, string global = "") =>
        TestConfig.Load(Yaml(entry, global), "alerting.yml").FindReceiver("r")!.Integrations<TelegramConfig>()[0];

    private static IEnumerable<string> Errors(string entry, string global = "") =>
        Assert.Throws<ConfigException>(() => TestConfig.Load(Yaml(entry, global), "alerting.yml")).Errors.Select(e => e.ToString());

    [Fact]
    public void Defaults_are_Alertmanagers()
    {
        var config = Load("{bot_token: t, chat_id: 42}");
        Assert.True(config.SendResolved);
        Assert.Equal("https://api.telegram.org", config.ApiUrl);
        Assert.Equal("HTML", config.ParseMode);
        Assert.Equal("""{{ template "telegram.default.message" . }}""", config.Message);
        Assert.False(config.DisableNotifications);
        Assert.Equal(0, config.MessageThreadId);
        Assert.Equal(42, config.ChatId);
    }

    [Fact]
    public void Explicit_empties_keep_their_meaning()
    {
        var config = Load("{bot_token: t, chat_id: 1, parse_mode: '', send_resolved: false, message: ''}");
        Assert.Equal("", config.ParseMode);
        Assert.False(config.SendResolved);
        Assert.Equal("", config.Message);
    }

    [Fact]
    public void Globals_fill_in_api_url_and_bot_token()
    {
        var config = Load("{chat_id: 1}", "global:\n  telegram_api_url: http://tg.example:8081\n  telegram_bot_token: global-token\n");
        Assert.Equal("http://tg.example:8081", config.ApiUrl);
        Assert.Equal("global-token", config.BotToken);
        Assert.Equal("own", Load("{chat_id: 1, bot_token: own}", "global:\n  telegram_bot_token: global-token\n").BotToken);
    }

    [Fact]
    public void Errors_name_file_line_and_field()
    {
        Assert.Contains("alerting.yml:6: receivers[0].telegram_configs[0].bot_token: missing bot_token or bot_token_file on telegram_config", Errors("{chat_id: 1}"));
        Assert.Contains("alerting.yml:6: receivers[0].telegram_configs[0].chat_id: missing chat_id or chat_id_file on telegram_config", Errors("{bot_token: t}"));
        Assert.Contains("alerting.yml:6: receivers[0].telegram_configs[0].chat_id_file: at most one of chat_id & chat_id_file must be configured", Errors("{bot_token: t, chat_id: 1, chat_id_file: /x}"));
        Assert.Contains("alerting.yml:6: receivers[0].telegram_configs[0].bot_token_file: at most one of bot_token & bot_token_file must be configured", Errors("{bot_token: t, bot_token_file: /x, chat_id: 1}"));
        Assert.Contains("alerting.yml:6: receivers[0].telegram_configs[0].parse_mode: unknown parse_mode on telegram_config, must be Markdown, MarkdownV2, HTML or empty string", Errors("{bot_token: t, chat_id: 1, parse_mode: html}"));
        Assert.Contains("alerting.yml:6: receivers[0].telegram_configs[0].api_url: unsupported scheme \"ftp\" for URL", Errors("{bot_token: t, chat_id: 1, api_url: 'ftp://x'}"));
        Assert.Contains("alerting.yml:6: receivers[0].telegram_configs[0].chat_ids: field chat_ids not found (unknown field; did you mean chat_id?)", Errors("{bot_token: t, chat_id: 1, chat_ids: 2}"));
        Assert.Contains("alerting.yml:1: global.telegram_bot_token_file: at most one of telegram_bot_token & telegram_bot_token_file must be configured",
            Errors("{chat_id: 1}", "global: {telegram_bot_token: a, telegram_bot_token_file: /b}\n"));
    }

    [Fact]
    public void Tokens_are_masked()
    {
        var masked = TestConfig.Load(Yaml("{bot_token: 'entry-SECRET', chat_id: 1}", "global:\n  telegram_bot_token: 'global-SECRET'\n"), "alerting.yml").MaskedYaml;
        Assert.DoesNotContain("SECRET", masked, StringComparison.Ordinal);
        Assert.Contains("bot_token: <secret>", masked, StringComparison.Ordinal);
        Assert.Contains("telegram_bot_token: <secret>", masked, StringComparison.Ordinal);
    }
}
