using Alerting.Channels.Http;
using Alerting.Core.Configuration;

namespace Alerting.Channels.Pushover;

/// <summary><c>pushover_configs</c>, as Alertmanager reads it; keys inline or in files, the texts Go templates.</summary>
internal sealed record PushoverConfig : IntegrationConfig
{
    public const string DefaultTitle = """{{ template "pushover.default.title" . }}""";
    public const string DefaultMessage = """{{ template "pushover.default.message" . }}""";
    public const string DefaultUrl = """{{ template "pushover.default.url" . }}""";

    /// <summary>Emergency while firing (repeated until acknowledged), normal once resolved.</summary>
    public const string DefaultPriority = """{{ if eq .Status "firing" }}2{{ else }}0{{ end }}""";

    public override string Kind => PushoverChannel.Name;

    public override bool SendResolved { get; init; } = true;

    public HttpClientConfig HttpConfig { get; init; } = HttpClientConfig.Default;

    public string? UserKey { get; init; }

    public string? UserKeyFile { get; init; }

    public string? Token { get; init; }

    public string? TokenFile { get; init; }

    public string Title { get; init; } = DefaultTitle;

    public string Message { get; init; } = DefaultMessage;

    /// <summary>The supplementary URL shown with the message (not the API's).</summary>
    public string Url { get; init; } = DefaultUrl;

    public string UrlTitle { get; init; } = "";

    public string Device { get; init; } = "";

    public string Sound { get; init; } = "";

    public string Priority { get; init; } = DefaultPriority;

    /// <summary>How often Pushover repeats an emergency message.</summary>
    public TimeSpan Retry { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How long Pushover keeps repeating an emergency message.</summary>
    public TimeSpan Expire { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Seconds before the message is deleted from devices; sent only when positive.</summary>
    public TimeSpan Ttl { get; init; }

    /// <summary>The message is an HTML template (rendered with html/template's escaping).</summary>
    public bool Html { get; init; }

    public bool Monospace { get; init; }

    public static PushoverConfig Read(MapReader p, GlobalConfig global)
    {
        var config = new PushoverConfig
        {
            SendResolved = p.Bool("send_resolved", true),
            HttpConfig = p.HttpConfig("http_config") ?? global.HttpConfig,
            UserKey = p.String("user_key"),
            UserKeyFile = p.FilePath("user_key_file"),
            Token = p.String("token"),
            TokenFile = p.FilePath("token_file"),
            Title = p.String("title") ?? DefaultTitle,
            Message = p.String("message") ?? DefaultMessage,
            Url = p.String("url") ?? DefaultUrl,
            UrlTitle = p.String("url_title") ?? "",
            Device = p.String("device") ?? "",
            Sound = p.String("sound") ?? "",
            Priority = p.String("priority") ?? DefaultPriority,
            Retry = Duration(p, "retry") ?? TimeSpan.FromMinutes(1),
            Expire = Duration(p, "expire") ?? TimeSpan.FromHours(1),
            Ttl = Duration(p, "ttl") ?? TimeSpan.Zero,
            Html = p.Bool("html", false),
            Monospace = p.Bool("monospace", false),
            Line = LoadContext.Line(p.Node),
        };
        // Alertmanager's checks, in its order and words.
        if (!p.Has("user_key") && !p.Has("user_key_file"))
        {
            p.Error("one of user_key or user_key_file must be configured");
        }
        else if (p.Has("user_key") && p.Has("user_key_file"))
        {
            p.Error("user_key_file", "at most one of user_key & user_key_file must be configured");
        }
        else if (!p.Has("token") && !p.Has("token_file"))
        {
            p.Error("one of token or token_file must be configured");
        }
        else if (p.Has("token") && p.Has("token_file"))
        {
            p.Error("token_file", "at most one of token & token_file must be configured");
        }
        else if (config.Html && config.Monospace)
        {
            p.Error("monospace", "at most one of monospace & html must be configured");
        }
        p.Finish();
        return config;
    }

    /// <summary>Alertmanager's own duration type: Go's syntax, and a bare number is an error (no unit).</summary>
    private static TimeSpan? Duration(MapReader p, string key) => GoDuration.Read(p, key);
}
