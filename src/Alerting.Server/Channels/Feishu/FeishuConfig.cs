using Alerting.Core.Configuration;

namespace Alerting.Channels.Feishu;

/// <summary>Our extension <c>feishu_configs</c>: a Feishu (飞书) or Lark custom bot.</summary>
internal sealed record FeishuConfig : IntegrationConfig
{
    public override string Kind => FeishuChannel.Name;

    public override bool SendResolved { get; init; } = true;

    /// <summary>The bot's webhook URL (open.feishu.cn or, for Lark, open.larksuite.com); its last segment is the token.</summary>
    public string? Url { get; init; }

    public string? UrlFile { get; init; }

    /// <summary>The bot's signing secret (签名校验), if it uses one.</summary>
    public string? Secret { get; init; }

    /// <summary>A file holding the secret, read at every send.</summary>
    public string? SecretFile { get; init; }

    /// <summary>Inline template for the card's header title, instead of feishu.title.</summary>
    public string? Title { get; init; }

    /// <summary>Inline template for the card's markdown, instead of feishu.markdown.</summary>
    public string? Text { get; init; }

    /// <summary>Overrides the receiver's and global.language for this bot.</summary>
    public string? Language { get; init; }

    public HttpClientConfig HttpConfig { get; init; } = HttpClientConfig.Default;

    public static FeishuConfig Read(MapReader f, GlobalConfig global)
    {
        var config = new FeishuConfig
        {
            SendResolved = f.Bool("send_resolved", true),
            Url = f.Url("url", secret: true),
            UrlFile = f.FilePath("url_file"),
            Secret = f.String("secret"),
            SecretFile = f.FilePath("secret_file"),
            Title = f.SprigTemplate("title"),
            Text = f.SprigTemplate("text"),
            Language = f.Language("language"),
            HttpConfig = f.HttpConfig("http_config") ?? global.HttpConfig,
            Line = LoadContext.Line(f.Node),
        };
        f.UrlOrFile();
        f.AtMostOne("secret", "secret_file");
        f.Finish();
        return config;
    }
}
