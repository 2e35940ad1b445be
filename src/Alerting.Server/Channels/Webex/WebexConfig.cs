using Alerting.Core.Configuration;

namespace Alerting.Channels.Webex;

/// <summary>
/// <c>webex_configs</c> as Alertmanager's WebexConfig: a room, a Go template, and the bot's bearer token in the
/// entry's own <c>http_config.authorization</c> (required).
/// </summary>
internal sealed record WebexConfig : IntegrationConfig
{
    public const string DefaultMessage = """{{ template "webex.default.message" . }}""";

    public override string Kind => WebexChannel.Name;

    public override bool SendResolved { get; init; } = true;

    public HttpClientConfig HttpConfig { get; init; } = HttpClientConfig.Default;

    public string ApiUrl { get; init; } = WebexDefaults.DefaultApiUrl;

    /// <summary>Go templates.</summary>
    public string Message { get; init; } = DefaultMessage;

    public string RoomId { get; init; } = "";

    public static WebexConfig Read(MapReader w, GlobalConfig global)
    {
        var defaults = global.DefaultsOf<WebexDefaults>() ?? WebexDefaults.None;
        var http = w.HttpConfig("http_config");
        var roomId = w.StringOr("room_id", "");
        if (roomId.Length == 0)
        {
            w.Error("room_id", "missing room_id on webex_config");
        }
        // prometheus/common turns bearer_token(_file) into an authorization; the entry's own, not the global one.
        if (http is null || (http.Authorization is null && string.IsNullOrEmpty(http.BearerToken) && string.IsNullOrEmpty(http.BearerTokenFile)))
        {
            w.Error("http_config", "missing webex_configs.http_config.authorization");
        }
        var config = new WebexConfig
        {
            SendResolved = w.BoolOr("send_resolved", true),
            HttpConfig = http ?? global.HttpConfig,
            ApiUrl = w.Url("api_url") ?? defaults.ApiUrl,
            Message = w.StringOr("message", DefaultMessage),
            RoomId = roomId,
            Line = LoadContext.Line(w.Node),
        };
        w.Finish();
        return config;
    }
}

/// <summary><c>webex_api_url</c> under <c>global:</c>.</summary>
internal sealed record WebexDefaults(string ApiUrl)
{
    public const string DefaultApiUrl = "https://webexapis.com/v1/messages";

    public static readonly WebexDefaults None = new(DefaultApiUrl);

    public static WebexDefaults Read(MapReader? g) => g?.Url("webex_api_url") is { } url ? new(url) : None;
}
