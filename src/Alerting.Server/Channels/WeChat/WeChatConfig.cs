using Alerting.Core.Configuration;

namespace Alerting.Channels.WeChat;

/// <summary>
/// <c>wechat_configs</c> as Alertmanager's WechatConfig (WeChat Work application messages), with the globals
/// <c>wechat_api_url</c>, <c>wechat_api_secret(_file)</c> and <c>wechat_api_corp_id</c> filled in as its loader does.
/// </summary>
internal sealed record WeChatConfig : IntegrationConfig
{
    public const string DefaultMessage = """{{ template "wechat.default.message" . }}""";
    public const string DefaultToUser = """{{ template "wechat.default.to_user" . }}""";
    public const string DefaultToParty = """{{ template "wechat.default.to_party" . }}""";
    public const string DefaultToTag = """{{ template "wechat.default.to_tag" . }}""";
    public const string DefaultAgentId = """{{ template "wechat.default.agent_id" . }}""";

    public override string Kind => WeChatChannel.Name;

    public override bool SendResolved { get; init; }

    public HttpClientConfig HttpConfig { get; init; } = HttpClientConfig.Default;

    /// <summary>A Go template, like the corp id: Alertmanager expands both before asking for a token.</summary>
    public string? ApiSecret { get; init; }

    public string? ApiSecretFile { get; init; }

    public string CorpId { get; init; } = "";

    /// <summary>Always ends with "/": gettoken and message/send are appended to it.</summary>
    public string ApiUrl { get; init; } = WeChatDefaults.DefaultApiUrl;

    public string Message { get; init; } = DefaultMessage;

    public string ToUser { get; init; } = DefaultToUser;

    public string ToParty { get; init; } = DefaultToParty;

    public string ToTag { get; init; } = DefaultToTag;

    public string AgentId { get; init; } = DefaultAgentId;

    /// <summary>text or markdown.</summary>
    public string MessageType { get; init; } = "text";

    public static WeChatConfig Read(MapReader w, GlobalConfig global)
    {
        var defaults = global.DefaultsOf<WeChatDefaults>() ?? WeChatDefaults.None;
        var messageType = w.StringOr("message_type", "");
        if (messageType.Length == 0)
        {
            messageType = "text";
        }
        if (messageType is not ("text" or "markdown"))
        {
            w.Error("message_type", $"weChat message type \"{messageType}\" does not match valid options ^(text|markdown)$");
        }
        var apiSecret = w.String("api_secret");
        var apiSecretFile = w.FilePath("api_secret_file");
        w.AtMostOne("api_secret", "api_secret_file");
        if (string.IsNullOrEmpty(apiSecret) && string.IsNullOrEmpty(apiSecretFile))
        {
            if (string.IsNullOrEmpty(defaults.ApiSecret) && string.IsNullOrEmpty(defaults.ApiSecretFile))
            {
                w.Error("api_secret", "no global Wechat Api Secret set either inline or in a file");
            }
            apiSecret = defaults.ApiSecret;
            apiSecretFile = defaults.ApiSecretFile;
        }
        var corpId = w.StringOr("corp_id", "");
        if (corpId.Length == 0)
        {
            corpId = defaults.CorpId ?? "";
            if (corpId.Length == 0)
            {
                w.Error("corp_id", "no global Wechat CorpID set");
            }
        }
        var config = new WeChatConfig
        {
            SendResolved = w.BoolOr("send_resolved", false),
            HttpConfig = w.HttpConfig("http_config") ?? global.HttpConfig,
            ApiSecret = apiSecret,
            ApiSecretFile = apiSecretFile,
            CorpId = corpId,
            ApiUrl = WithSlash(w.Url("api_url") ?? defaults.ApiUrl),
            Message = w.StringOr("message", DefaultMessage),
            ToUser = w.StringOr("to_user", DefaultToUser),
            ToParty = w.StringOr("to_party", DefaultToParty),
            ToTag = w.StringOr("to_tag", DefaultToTag),
            AgentId = w.StringOr("agent_id", DefaultAgentId),
            MessageType = messageType,
            Line = LoadContext.Line(w.Node),
        };
        w.Finish();
        return config;
    }

    /// <summary>Alertmanager appends "/" to the URL's path when it has none at the end.</summary>
    internal static string WithSlash(string url)
    {
        var end = url.IndexOfAny(['?', '#']);
        var path = end < 0 ? url : url[..end];
        return path.EndsWith('/') ? url : path + "/" + (end < 0 ? "" : url[end..]);
    }
}

/// <summary><c>wechat_api_url</c>, <c>wechat_api_secret(_file)</c> and <c>wechat_api_corp_id</c> under <c>global:</c>.</summary>
internal sealed record WeChatDefaults(string ApiUrl, string? ApiSecret, string? ApiSecretFile, string? CorpId)
{
    public const string DefaultApiUrl = "https://qyapi.weixin.qq.com/cgi-bin/";

    public static readonly WeChatDefaults None = new(DefaultApiUrl, null, null, null);

    public static WeChatDefaults Read(MapReader? g)
    {
        if (g is null)
        {
            return None;
        }
        var defaults = new WeChatDefaults(
            g.Url("wechat_api_url") ?? DefaultApiUrl, g.String("wechat_api_secret"), g.FilePath("wechat_api_secret_file"), g.String("wechat_api_corp_id"));
        g.AtMostOne("wechat_api_secret", "wechat_api_secret_file");
        return defaults;
    }
}
