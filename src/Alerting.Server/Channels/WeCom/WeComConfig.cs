using Alerting.Core.Configuration;

namespace Alerting.Channels.WeCom;

internal enum WeComMessageType
{
    Markdown,
    Text,
}

/// <summary>Our extension <c>wecom_configs</c>: a WeCom (企业微信) group robot.</summary>
internal sealed record WeComConfig : IntegrationConfig
{
    /// <summary>Where a robot's <c>key</c> is sent when no <c>api_url</c> is given.</summary>
    public const string DefaultApiUrl = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send";

    public override string Kind => WeComChannel.Name;

    public override bool SendResolved { get; init; } = true;

    /// <summary>The robot's webhook URL, with its key in the query.</summary>
    public string? Url { get; init; }

    public string? UrlFile { get; init; }

    /// <summary>Only the robot's key: the URL is <see cref="ApiUrl"/> with <c>?key=</c>.</summary>
    public string? Key { get; init; }

    public string? KeyFile { get; init; }

    public string ApiUrl { get; init; } = DefaultApiUrl;

    public WeComMessageType MessageType { get; init; } = WeComMessageType.Markdown;

    /// <summary>User ids to @-mention; <c>@all</c> (text messages only) pings everyone.</summary>
    public IReadOnlyList<string> MentionedList { get; init; } = [];

    /// <summary>Phone numbers to @-mention: text messages only, WeCom's markdown cannot.</summary>
    public IReadOnlyList<string> MentionedMobileList { get; init; } = [];

    /// <summary>An inline Go template for the message content, instead of the wecom.markdown or wecom.text Scriban template.</summary>
    public string? Content { get; init; }

    /// <summary>Overrides the receiver's and global.language for this robot.</summary>
    public string? Language { get; init; }

    public HttpClientConfig HttpConfig { get; init; } = HttpClientConfig.Default;

    public static WeComConfig Read(MapReader w, GlobalConfig global)
    {
        var messageType = WeComMessageType.Markdown;
        switch (w.String("message_type"))
        {
            case null or "" or "markdown":
                break;
            case "text":
                messageType = WeComMessageType.Text;
                break;
            case var other:
                w.Error("message_type", $"unknown message_type \"{other}\" (want markdown or text)");
                break;
        }
        var config = new WeComConfig
        {
            SendResolved = w.Bool("send_resolved", true),
            Url = w.Url("url", secret: true),
            UrlFile = w.FilePath("url_file"),
            Key = w.String("key"),
            KeyFile = w.FilePath("key_file"),
            ApiUrl = w.Url("api_url") ?? DefaultApiUrl,
            MessageType = messageType,
            MentionedList = w.StringList("mentioned_list") ?? [],
            MentionedMobileList = w.StringList("mentioned_mobile_list") ?? [],
            Content = w.SprigTemplate("content"),
            Language = w.Language("language"),
            HttpConfig = w.HttpConfig("http_config") ?? global.HttpConfig,
            Line = LoadContext.Line(w.Node),
        };
        Destination(w);
        if (messageType == WeComMessageType.Markdown)
        {
            // WeCom's markdown mentions with <@userid> in the content; phone numbers and @all need a text message.
            if (config.MentionedMobileList.Count > 0)
            {
                w.Error("mentioned_mobile_list", "mentioned_mobile_list needs message_type: text (WeCom markdown mentions by user id only)");
            }
            for (var i = 0; i < config.MentionedList.Count; i++)
            {
                if (config.MentionedList[i] == "@all")
                {
                    w.ItemError("mentioned_list", i, "@all needs message_type: text (WeCom markdown cannot mention everyone)");
                }
            }
        }
        w.Finish();
        return config;
    }

    /// <summary>Exactly one of url, url_file, key and key_file; api_url only beside a key.</summary>
    private static void Destination(MapReader w)
    {
        string[] keys = ["url", "url_file", "key", "key_file"];
        var given = keys.Where(w.Has).ToList();
        if (given.Count == 0)
        {
            w.Error("one of url, url_file, key or key_file must be configured");
        }
        else if (given.Count > 1)
        {
            w.Error(given[1], $"at most one of url, url_file, key & key_file must be configured (found {given[0]} and {given[1]})");
        }
        if (w.Has("api_url") && !w.Has("key") && !w.Has("key_file"))
        {
            w.Error("api_url", "api_url is used only with key or key_file (url already is the whole address)");
        }
    }
}
