using Alerting.Core.Configuration;

namespace Alerting.Channels.Slack;

/// <summary><c>slack_configs</c>; ApiUrl/ApiUrlFile fall back to the globals.</summary>
internal sealed record SlackConfig : IntegrationConfig
{
    public override string Kind => SlackChannel.Name;

    public override bool SendResolved { get; init; }

    public string? ApiUrl { get; init; }

    public string? ApiUrlFile { get; init; }

    public HttpClientConfig HttpConfig { get; init; } = HttpClientConfig.Default;

    public string? Channel { get; init; }

    public string? Username { get; init; }

    public string? Color { get; init; }

    public string? Title { get; init; }

    public string? TitleLink { get; init; }

    public string? Pretext { get; init; }

    public string? Text { get; init; }

    /// <summary>The message's own text, outside the attachment (Alertmanager 0.31's <c>message_text</c>).</summary>
    public string? MessageText { get; init; }

    public IReadOnlyList<SlackField> Fields { get; init; } = [];

    public bool ShortFields { get; init; }

    public string? Footer { get; init; }

    public string? Fallback { get; init; }

    public string? CallbackId { get; init; }

    public string? IconEmoji { get; init; }

    public string? IconUrl { get; init; }

    public string? ImageUrl { get; init; }

    public string? ThumbUrl { get; init; }

    public bool LinkNames { get; init; }

    public IReadOnlyList<string> MrkdwnIn { get; init; } = [];

    public IReadOnlyList<SlackAction> Actions { get; init; } = [];

    /// <summary>Per-attempt timeout (Alertmanager 0.34); null or 0 (Alertmanager: none) keeps the notifier's default.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Alertmanager 0.34's <c>update_message</c>: read and checked, not implemented (a load warning says so).</summary>
    public bool UpdateMessage { get; init; }

    public static SlackConfig Read(MapReader s, GlobalConfig global)
    {
        var defaults = global.DefaultsOf<SlackDefaults>() ?? SlackDefaults.None;
        var apiUrl = s.Url("api_url", secret: true);
        var apiUrlFile = s.FilePath("api_url_file");
        s.AtMostOne("api_url", "api_url_file");
        var ownHttp = s.HttpConfig("http_config");
        var hasApiUrl = apiUrl is not null || s.Has("api_url");
        var app = SlackAppToken.Read(s, hasApiUrl || apiUrlFile is not null, ownHttp is { Authorization: not null } or { BearerToken: not null } or { BearerTokenFile: not null }, defaults);
        var httpConfig = ownHttp ?? global.HttpConfig;
        var updateMessage = SlackAppToken.UpdateMessage(s, apiUrl);
        if (app is not null)
        {
            // Alertmanager 0.34: the token is http_config's bearer authorization and app_url the endpoint.
            httpConfig = app.Apply(s, httpConfig);
            apiUrl = app.Url;
            apiUrlFile = null;
        }
        else if (apiUrl is null && apiUrlFile is null && !s.Has("api_url"))
        {
            if (defaults.ApiUrl is null && defaults.ApiUrlFile is null)
            {
                s.Error("no global Slack API URL set either inline or in a file");
            }
            apiUrl = defaults.ApiUrl;
            apiUrlFile = defaults.ApiUrlFile;
        }

        var fields = new List<SlackField>();
        foreach (var (f, _) in s.MapList("fields"))
        {
            var title = f.Template("title");
            var value = f.Template("value");
            var isShort = f.OptionalBool("short");
            if (string.IsNullOrEmpty(title))
            {
                f.Error("title", "missing title in Slack field configuration");
            }
            if (string.IsNullOrEmpty(value))
            {
                f.Error("value", "missing value in Slack field configuration");
            }
            f.Finish();
            fields.Add(new SlackField(title ?? "", value ?? "", isShort));
        }

        var actions = new List<SlackAction>();
        foreach (var (a, _) in s.MapList("actions"))
        {
            actions.Add(ReadAction(a));
        }

        var config = new SlackConfig
        {
            SendResolved = s.Bool("send_resolved", false),
            ApiUrl = apiUrl,
            ApiUrlFile = apiUrlFile,
            HttpConfig = httpConfig,
            Timeout = s.Duration("timeout"),
            UpdateMessage = updateMessage,
            Channel = s.Template("channel"),
            Username = s.Template("username"),
            Color = s.Template("color"),
            Title = s.Template("title"),
            TitleLink = s.Template("title_link"),
            Pretext = s.Template("pretext"),
            Text = s.Template("text"),
            MessageText = s.Template("message_text"),
            Fields = fields,
            ShortFields = s.Bool("short_fields", false),
            Footer = s.Template("footer"),
            Fallback = s.Template("fallback"),
            CallbackId = s.Template("callback_id"),
            IconEmoji = s.Template("icon_emoji"),
            IconUrl = s.Template("icon_url"),
            ImageUrl = s.Template("image_url"),
            ThumbUrl = s.Template("thumb_url"),
            LinkNames = s.Bool("link_names", false),
            MrkdwnIn = s.StringList("mrkdwn_in") ?? [],
            Actions = actions,
            Line = LoadContext.Line(s.Node),
        };
        s.Finish();
        return config;
    }

    private static SlackAction ReadAction(MapReader a)
    {
        var type = a.Template("type");
        var text = a.Template("text");
        var url = a.Template("url");
        var name = a.Template("name");
        if (string.IsNullOrEmpty(type))
        {
            a.Error("type", "missing type in Slack action configuration");
        }
        if (string.IsNullOrEmpty(text))
        {
            a.Error("text", "missing text in Slack action configuration");
        }
        if (string.IsNullOrEmpty(url) && string.IsNullOrEmpty(name))
        {
            a.Error("missing name or url in Slack action configuration");
        }
        SlackConfirmation? confirm = null;
        if (a.Map("confirm") is { } c)
        {
            var confirmText = c.Template("text");
            if (string.IsNullOrEmpty(confirmText))
            {
                c.Error("text", "missing text in Slack confirmation configuration");
            }
            confirm = new SlackConfirmation(confirmText ?? "", c.Template("title"), c.Template("ok_text"), c.Template("dismiss_text"));
            c.Finish();
        }
        var action = new SlackAction
        {
            Type = type ?? "",
            Text = text ?? "",
            Url = url,
            Style = a.Template("style"),
            Name = name,
            Value = a.Template("value"),
            Confirm = confirm,
        };
        a.Finish();
        // Alertmanager's rule: a URL button is a link, so the message-action fields are dropped.
        return string.IsNullOrEmpty(url) ? action with { Url = null } : action with { Name = null, Value = null, Confirm = null };
    }
}

/// <summary>A Slack attachment field; <see cref="Short"/> null means "use short_fields".</summary>
internal sealed record SlackField(string Title, string Value, bool? Short);

internal sealed record SlackAction
{
    public required string Type { get; init; }

    public required string Text { get; init; }

    public string? Url { get; init; }

    public string? Style { get; init; }

    public string? Name { get; init; }

    public string? Value { get; init; }

    public SlackConfirmation? Confirm { get; init; }
}

internal sealed record SlackConfirmation(string Text, string? Title, string? OkText, string? DismissText);

/// <summary>
/// <c>slack_api_url(_file)</c>, and Alertmanager 0.34's <c>slack_app_token(_file)</c> and <c>slack_app_url</c>, under
/// <c>global:</c>: the defaults of every Slack config.
/// </summary>
internal sealed record SlackDefaults(string? ApiUrl, string? ApiUrlFile)
{
    public static readonly SlackDefaults None = new(null, null);

    public string? AppToken { get; init; }

    public string? AppTokenFile { get; init; }

    public string? AppUrl { get; init; }

    public static SlackDefaults Read(MapReader? g)
    {
        if (g is null)
        {
            return None;
        }
        var defaults = new SlackDefaults(g.Url("slack_api_url", secret: true), g.FilePath("slack_api_url_file"))
        {
            AppToken = g.String("slack_app_token"),
            AppTokenFile = g.FilePath("slack_app_token_file"),
            AppUrl = g.Url("slack_app_url"),
        };
        g.AtMostOne("slack_api_url", "slack_api_url_file");
        g.AtMostOne("slack_app_token", "slack_app_token_file");
        // Alertmanager lets both through only when the API URL is the app URL (a migration aid).
        if ((defaults.AppToken ?? defaults.AppTokenFile) is not null && (defaults.ApiUrl ?? defaults.ApiUrlFile) is not null
            && defaults.ApiUrl != (defaults.AppUrl ?? SlackAppToken.PostMessageUrl))
        {
            g.Error(defaults.AppToken is null ? "slack_app_token_file" : "slack_app_token",
                "at most one of slack_app_token/slack_app_token_file & slack_api_url/slack_api_url_file must be configured");
        }
        return defaults;
    }
}
