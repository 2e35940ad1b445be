using Alerting.Core.Configuration;

namespace Alerting.Channels.Discord;

/// <summary><c>discord_configs</c> as Alertmanager's DiscordConfig: a webhook URL (or a file holding it) and Go templates.</summary>
internal sealed record DiscordConfig : IntegrationConfig
{
    public const string DefaultTitle = """{{ template "discord.default.title" . }}""";
    public const string DefaultMessage = """{{ template "discord.default.message" . }}""";

    public override string Kind => DiscordChannel.Name;

    public override bool SendResolved { get; init; } = true;

    public HttpClientConfig HttpConfig { get; init; } = HttpClientConfig.Default;

    public string? Url { get; init; }

    public string? UrlFile { get; init; }

    /// <summary>Go templates; <see cref="Content"/> is empty unless set.</summary>
    public string Content { get; init; } = "";

    public string Title { get; init; } = DefaultTitle;

    public string Message { get; init; } = DefaultMessage;

    /// <summary>Sent as written, not a template.</summary>
    public string Username { get; init; } = "";

    public string AvatarUrl { get; init; } = "";

    public static DiscordConfig Read(MapReader d, GlobalConfig global)
    {
        var config = new DiscordConfig
        {
            SendResolved = d.BoolOr("send_resolved", true),
            HttpConfig = d.HttpConfig("http_config") ?? global.HttpConfig,
            Url = d.Url("webhook_url", secret: true),
            UrlFile = d.FilePath("webhook_url_file"),
            Content = d.StringOr("content", ""),
            Title = d.StringOr("title", DefaultTitle),
            Message = d.StringOr("message", DefaultMessage),
            Username = d.StringOr("username", ""),
            AvatarUrl = d.StringOr("avatar_url", ""),
            Line = LoadContext.Line(d.Node),
        };
        d.ExactlyOne("webhook_url", "webhook_url_file");
        d.Finish();
        return config;
    }
}
