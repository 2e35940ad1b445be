using Alerting.Core.Configuration;

namespace Alerting.Channels.DingTalk;

internal enum DingTalkMessageType
{
    Markdown,
    ActionCard,
}

/// <summary>Our extension <c>dingtalk_configs</c>: a DingTalk custom robot.</summary>
internal sealed record DingTalkConfig : IntegrationConfig
{
    public override string Kind => DingTalkChannel.Name;

    public override bool SendResolved { get; init; } = true;

    /// <summary>The robot's webhook URL (with its access_token).</summary>
    public string? Url { get; init; }

    public string? UrlFile { get; init; }

    /// <summary>The robot's signing secret ("加签"), if the robot uses one.</summary>
    public string? Secret { get; init; }

    /// <summary>A file holding <see cref="Secret"/>, read at each send like Alertmanager's <c>*_file</c> settings.</summary>
    public string? SecretFile { get; init; }

    public DingTalkMessageType MessageType { get; init; } = DingTalkMessageType.Markdown;

    /// <summary>The robot's security keyword; messages must contain it or DingTalk rejects them.</summary>
    public string? Keyword { get; init; }

    public IReadOnlyList<string> AtMobiles { get; init; } = [];

    public IReadOnlyList<string> AtUserIds { get; init; } = [];

    public bool IsAtAll { get; init; }

    public string? Title { get; init; }

    public string? Text { get; init; }

    /// <summary>Overrides global.language for this robot.</summary>
    public string? Language { get; init; }

    public HttpClientConfig HttpConfig { get; init; } = HttpClientConfig.Default;

    public static DingTalkConfig Read(MapReader d, GlobalConfig global)
    {
        var messageType = DingTalkMessageType.Markdown;
        switch (d.String("message_type"))
        {
            case null or "" or "markdown":
                break;
            case "actionCard":
                messageType = DingTalkMessageType.ActionCard;
                break;
            case var other:
                d.Error("message_type", $"unknown message_type \"{other}\" (want markdown or actionCard)");
                break;
        }
        var language = d.Language("language");
        var config = new DingTalkConfig
        {
            SendResolved = d.Bool("send_resolved", true),
            Url = d.Url("url", secret: true),
            UrlFile = d.FilePath("url_file"),
            Secret = d.String("secret"),
            SecretFile = d.FilePath("secret_file"),
            MessageType = messageType,
            Keyword = d.String("keyword"),
            AtMobiles = d.StringList("at_mobiles") ?? [],
            AtUserIds = d.StringList("at_user_ids") ?? [],
            IsAtAll = d.Bool("is_at_all", false),
            Title = d.SprigTemplate("title"),
            Text = d.SprigTemplate("text"),
            Language = language,
            HttpConfig = d.HttpConfig("http_config") ?? global.HttpConfig,
            Line = LoadContext.Line(d.Node),
        };
        d.UrlOrFile();
        d.AtMostOne("secret", "secret_file");
        d.Finish();
        return config;
    }
}
