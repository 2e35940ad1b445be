using Alerting.Core.Configuration;

namespace Alerting.Channels.RocketChat;

/// <summary>
/// <c>rocketchat_configs</c> (Alertmanager 0.28+): chat.postMessage with a user's token. Texts are Go templates with
/// Alertmanager's defaults; api_url, token and token_id fall back to the globals key by key, as cmp.Or does there
/// (so a token_id inline and a global token_id_file both stay set, and the file wins, as in Alertmanager).
/// </summary>
internal sealed record RocketChatConfig : IntegrationConfig
{
    public const string DefaultColor = """{{ if eq .Status "firing" }}red{{ else }}green{{ end }}""";

    public override string Kind => RocketChatChannel.Name;

    public override bool SendResolved { get; init; }

    public HttpClientConfig HttpConfig { get; init; } = HttpClientConfig.Default;

    public string ApiUrl { get; init; } = RocketChatDefaults.DefaultApiUrl;

    public string? TokenId { get; init; }

    public string? TokenIdFile { get; init; }

    public string? Token { get; init; }

    public string? TokenFile { get; init; }

    public string Channel { get; init; } = "";

    public string Color { get; init; } = DefaultColor;

    public string Title { get; init; } = """{{ template "rocketchat.default.title" . }}""";

    public string TitleLink { get; init; } = """{{ template "rocketchat.default.titlelink" . }}""";

    public string Text { get; init; } = """{{ template "rocketchat.default.text" . }}""";

    public IReadOnlyList<RocketChatFieldConfig> Fields { get; init; } = [];

    public bool ShortFields { get; init; }

    public string Emoji { get; init; } = """{{ template "rocketchat.default.emoji" . }}""";

    public string IconUrl { get; init; } = """{{ template "rocketchat.default.iconurl" . }}""";

    public string ImageUrl { get; init; } = "";

    public string ThumbUrl { get; init; } = "";

    /// <summary>Accepted and kept, as in Alertmanager, which does not send it.</summary>
    public bool LinkNames { get; init; }

    public IReadOnlyList<RocketChatActionConfig> Actions { get; init; } = [];

    public static RocketChatConfig Read(MapReader r, GlobalConfig global)
    {
        var defaults = global.DefaultsOf<RocketChatDefaults>() ?? RocketChatDefaults.None;
        var token = r.String("token");
        var tokenFile = r.FilePath("token_file");
        var tokenId = r.String("token_id");
        var tokenIdFile = r.FilePath("token_id_file");
        if (token is not null && !string.IsNullOrEmpty(tokenFile))
        {
            r.Error("token_file", "at most one of token & token_file must be configured");
        }
        if (tokenId is not null && !string.IsNullOrEmpty(tokenIdFile))
        {
            r.Error("token_id_file", "at most one of token_id & token_id_file must be configured");
        }
        tokenId ??= defaults.TokenId;
        tokenIdFile = string.IsNullOrEmpty(tokenIdFile) ? defaults.TokenIdFile : tokenIdFile;
        if (tokenId is null && string.IsNullOrEmpty(tokenIdFile))
        {
            r.Error("no global Rocketchat TokenID set either inline or in a file");
        }
        token ??= defaults.Token;
        tokenFile = string.IsNullOrEmpty(tokenFile) ? defaults.TokenFile : tokenFile;
        if (token is null && string.IsNullOrEmpty(tokenFile))
        {
            r.Error("no global Rocketchat Token set either inline or in a file");
        }

        var fields = new List<RocketChatFieldConfig>();
        foreach (var (f, _) in r.MapList("fields"))
        {
            fields.Add(new RocketChatFieldConfig(f.OptionalBool("short"), f.String("title") ?? "", f.String("value") ?? ""));
            f.Finish();
        }
        var actions = new List<RocketChatActionConfig>();
        foreach (var (a, _) in r.MapList("actions"))
        {
            // The action type has no yaml tags: yaml.v2 takes its Go field names in lower case.
            actions.Add(new RocketChatActionConfig(a.String("text") ?? "", a.String("url") ?? "", a.String("msg") ?? ""));
            foreach (var key in (string[])["type", "imageurl", "webviewheightratio", "msgprocessingtype"])
            {
                a.String(key);
            }
            a.OptionalBool("iswebview");
            a.OptionalBool("msginchatwindow");
            a.Finish();
        }

        var config = new RocketChatConfig
        {
            SendResolved = r.OptionalBool("send_resolved") ?? false,
            HttpConfig = r.HttpConfig("http_config") ?? global.HttpConfig,
            ApiUrl = r.Url("api_url") ?? defaults.ApiUrl,
            TokenId = tokenId,
            TokenIdFile = tokenIdFile,
            Token = token,
            TokenFile = tokenFile,
            Channel = TemplateOr(r, "channel", ""),
            Color = TemplateOr(r, "color", DefaultColor),
            Title = TemplateOr(r, "title", """{{ template "rocketchat.default.title" . }}"""),
            TitleLink = TemplateOr(r, "title_link", """{{ template "rocketchat.default.titlelink" . }}"""),
            Text = TemplateOr(r, "text", """{{ template "rocketchat.default.text" . }}"""),
            Fields = fields,
            ShortFields = r.Bool("short_fields", false),
            Emoji = TemplateOr(r, "emoji", """{{ template "rocketchat.default.emoji" . }}"""),
            IconUrl = TemplateOr(r, "icon_url", """{{ template "rocketchat.default.iconurl" . }}"""),
            ImageUrl = TemplateOr(r, "image_url", ""),
            ThumbUrl = TemplateOr(r, "thumb_url", ""),
            LinkNames = r.Bool("link_names", false),
            Actions = actions,
            Line = LoadContext.Line(r.Node),
        };
        r.Finish();
        return config;
    }

    /// <summary>A string as yaml.v2 sets it: absent keeps the default, null or empty is "".</summary>
    private static string TemplateOr(MapReader r, string key, string @default) => r.String(key) ?? (r.Keys.Contains(key) ? "" : @default);
}

/// <summary>A field; <see cref="Short"/> null takes short_fields.</summary>
internal sealed record RocketChatFieldConfig(bool? Short, string Title, string Value);

/// <summary>The parts of an action Alertmanager sends (always as a button).</summary>
internal sealed record RocketChatActionConfig(string Text, string Url, string Msg);

/// <summary>The <c>rocketchat_*</c> keys under <c>global:</c>.</summary>
internal sealed record RocketChatDefaults(string ApiUrl, string? Token, string? TokenFile, string? TokenId, string? TokenIdFile)
{
    public const string DefaultApiUrl = "https://open.rocket.chat/";

    public static readonly RocketChatDefaults None = new(DefaultApiUrl, null, null, null, null);

    public static RocketChatDefaults Read(MapReader? g)
    {
        if (g is null)
        {
            return None;
        }
        var defaults = new RocketChatDefaults(
            g.Url("rocketchat_api_url") ?? DefaultApiUrl,
            g.String("rocketchat_token"),
            g.FilePath("rocketchat_token_file"),
            g.String("rocketchat_token_id"),
            g.FilePath("rocketchat_token_id_file"));
        if (defaults.Token is not null && !string.IsNullOrEmpty(defaults.TokenFile))
        {
            g.Error("rocketchat_token_file", "at most one of rocketchat_token & rocketchat_token_file must be configured");
        }
        if (defaults.TokenId is not null && !string.IsNullOrEmpty(defaults.TokenIdFile))
        {
            g.Error("rocketchat_token_id_file", "at most one of rocketchat_token_id & rocketchat_token_id_file must be configured");
        }
        return defaults;
    }
}
