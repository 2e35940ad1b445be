using Alerting.Core.Configuration;

namespace Alerting.Channels.Mattermost;

/// <summary>
/// <c>mattermost_configs</c> (Alertmanager 0.30+): an incoming webhook. Every text is a Go template; the defaults
/// are Alertmanager's (<c>mattermost.default.*</c>). Url/UrlFile fall back to the globals.
/// </summary>
internal sealed record MattermostConfig : IntegrationConfig
{
    public override string Kind => MattermostChannel.Name;

    public override bool SendResolved { get; init; } = true;

    public HttpClientConfig HttpConfig { get; init; } = HttpClientConfig.Default;

    public string? Url { get; init; }

    public string? UrlFile { get; init; }

    public string Channel { get; init; } = "";

    public string Username { get; init; } = """{{ template "mattermost.default.username" . }}""";

    public string Text { get; init; } = """{{ template "mattermost.default.text" . }}""";

    /// <summary>The attachment's texts when <see cref="Attachments"/> is empty.</summary>
    public MattermostAttachmentConfig Attachment { get; init; } = MattermostAttachmentConfig.Defaults;

    public string IconUrl { get; init; } = "";

    public string IconEmoji { get; init; } = "";

    public IReadOnlyList<MattermostAttachmentConfig> Attachments { get; init; } = [];

    public string Type { get; init; } = "";

    /// <summary>props.card; empty sends no props.</summary>
    public string PropsCard { get; init; } = "";

    public MattermostPriorityConfig? Priority { get; init; }

    public static MattermostConfig Read(MapReader m, GlobalConfig global)
    {
        var defaults = global.DefaultsOf<MattermostDefaults>() ?? MattermostDefaults.None;
        var url = m.Url("webhook_url", secret: true);
        var file = m.FilePath("webhook_url_file");
        if (m.Has("webhook_url") && m.Has("webhook_url_file"))
        {
            m.Error("webhook_url_file", "at most one of webhook_url & webhook_url_file must be configured");
        }
        if (url is null && string.IsNullOrEmpty(file))
        {
            if (defaults.Url is null && defaults.UrlFile is null && !m.Has("webhook_url"))
            {
                m.Error("missing webhook_url or webhook_url_file on mattermost_config");
            }
            (url, file) = (defaults.Url, defaults.UrlFile);
        }

        var props = m.Map("props");
        var card = props is null ? "" : props.String("card") ?? "";
        props?.Finish();

        var config = new MattermostConfig
        {
            SendResolved = m.Keys.Contains("send_resolved") ? m.OptionalBool("send_resolved") ?? false : true,
            HttpConfig = m.HttpConfig("http_config") ?? global.HttpConfig,
            Url = url,
            UrlFile = file,
            Channel = TemplateOr(m, "channel", ""),
            Username = TemplateOr(m, "username", """{{ template "mattermost.default.username" . }}"""),
            Text = TemplateOr(m, "text", """{{ template "mattermost.default.text" . }}"""),
            Attachment = MattermostAttachmentConfig.Read(m, MattermostAttachmentConfig.Defaults),
            IconUrl = TemplateOr(m, "icon_url", ""),
            IconEmoji = TemplateOr(m, "icon_emoji", ""),
            Attachments = [.. m.MapList("attachments").Select(a => MattermostAttachmentConfig.ReadItem(a.Item))],
            Type = TemplateOr(m, "type", ""),
            PropsCard = card,
            Priority = ReadPriority(m.Map("priority")),
            Line = LoadContext.Line(m.Node),
        };
        m.Finish();
        return config;
    }

    /// <summary>A string as yaml.v2 sets it: absent keeps the default, null or empty is "".</summary>
    internal static string TemplateOr(MapReader r, string key, string @default) => r.String(key) ?? (r.Keys.Contains(key) ? "" : @default);

    private static MattermostPriorityConfig? ReadPriority(MapReader? p)
    {
        if (p is null)
        {
            return null;
        }
        var priority = new MattermostPriorityConfig(
            p.String("priority") ?? "", p.OptionalBool("requested_ack") ?? false, p.OptionalBool("persistent_notifications") ?? false);
        p.Finish();
        return priority;
    }
}

/// <summary>One attachment's texts (Go templates). Fields keep their own <c>short</c>, null when unset.</summary>
internal sealed record MattermostAttachmentConfig
{
    public static readonly MattermostAttachmentConfig Defaults = new()
    {
        Fallback = """{{ template "mattermost.default.fallback" . }}""",
        Color = """{{ template "mattermost.default.color" . }}""",
        Title = """{{ template "mattermost.default.title" . }}""",
        TitleLink = """{{ template "mattermost.default.titlelink" . }}""",
    };

    public string Fallback { get; init; } = "";

    public string Color { get; init; } = "";

    public string Pretext { get; init; } = "";

    /// <summary>Used only for entries of <c>attachments</c>; the single attachment takes the config's text.</summary>
    public string Text { get; init; } = "";

    public string AuthorName { get; init; } = "";

    public string AuthorLink { get; init; } = "";

    public string AuthorIcon { get; init; } = "";

    public string Title { get; init; } = "";

    public string TitleLink { get; init; } = "";

    public IReadOnlyList<MattermostFieldConfig> Fields { get; init; } = [];

    public string ThumbUrl { get; init; } = "";

    public string Footer { get; init; } = "";

    public string FooterIcon { get; init; } = "";

    public string ImageUrl { get; init; } = "";

    /// <summary>The attachment keys of the config itself (its text excepted), over <paramref name="defaults"/>.</summary>
    public static MattermostAttachmentConfig Read(MapReader r, MattermostAttachmentConfig defaults)
    {
        var fields = new List<MattermostFieldConfig>();
        foreach (var (f, _) in r.MapList("fields"))
        {
            var title = f.String("title");
            var value = f.String("value");
            var isShort = f.OptionalBool("short");
            if (string.IsNullOrEmpty(title))
            {
                f.Error("title", "missing title in Mattermost field configuration");
            }
            else if (string.IsNullOrEmpty(value))
            {
                f.Error("value", "missing value in Mattermost field configuration");
            }
            f.Finish();
            fields.Add(new MattermostFieldConfig(title ?? "", value ?? "", isShort));
        }
        return new MattermostAttachmentConfig
        {
            Fallback = MattermostConfig.TemplateOr(r, "fallback", defaults.Fallback),
            Color = MattermostConfig.TemplateOr(r, "color", defaults.Color),
            Pretext = MattermostConfig.TemplateOr(r, "pretext", defaults.Pretext),
            AuthorName = MattermostConfig.TemplateOr(r, "author_name", defaults.AuthorName),
            AuthorLink = MattermostConfig.TemplateOr(r, "author_link", defaults.AuthorLink),
            AuthorIcon = MattermostConfig.TemplateOr(r, "author_icon", defaults.AuthorIcon),
            Title = MattermostConfig.TemplateOr(r, "title", defaults.Title),
            TitleLink = MattermostConfig.TemplateOr(r, "title_link", defaults.TitleLink),
            Fields = fields,
            ThumbUrl = MattermostConfig.TemplateOr(r, "thumb_url", defaults.ThumbUrl),
            Footer = MattermostConfig.TemplateOr(r, "footer", defaults.Footer),
            FooterIcon = MattermostConfig.TemplateOr(r, "footer_icon", defaults.FooterIcon),
            ImageUrl = MattermostConfig.TemplateOr(r, "image_url", defaults.ImageUrl),
        };
    }

    /// <summary>An entry of <c>attachments</c>: no defaults, its own text.</summary>
    public static MattermostAttachmentConfig ReadItem(MapReader a)
    {
        var attachment = Read(a, new MattermostAttachmentConfig()) with { Text = MattermostConfig.TemplateOr(a, "text", "") };
        a.Finish();
        return attachment;
    }
}

internal sealed record MattermostFieldConfig(string Title, string Value, bool? Short);

internal sealed record MattermostPriorityConfig(string Priority, bool RequestedAck, bool PersistentNotifications);

/// <summary><c>mattermost_webhook_url</c> and <c>mattermost_webhook_url_file</c> under <c>global:</c>.</summary>
internal sealed record MattermostDefaults(string? Url, string? UrlFile)
{
    public static readonly MattermostDefaults None = new(null, null);

    public static MattermostDefaults Read(MapReader? g)
    {
        if (g is null)
        {
            return None;
        }
        var defaults = new MattermostDefaults(g.Url("mattermost_webhook_url", secret: true), g.FilePath("mattermost_webhook_url_file"));
        if (g.Has("mattermost_webhook_url") && g.Has("mattermost_webhook_url_file"))
        {
            g.Error("mattermost_webhook_url_file", "at most one of mattermost_webhook_url & mattermost_webhook_url_file must be configured");
        }
        return defaults;
    }
}
