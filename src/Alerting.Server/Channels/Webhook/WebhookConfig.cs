using Alerting.Core.Configuration;

namespace Alerting.Channels.Webhook;

/// <summary>
/// <c>webhook_configs</c>. <see cref="HttpConfig"/> is the receiver's own or else the global one.
/// Text fields left unset in the file stay null: the notifier then uses its default template.
/// </summary>
internal sealed record WebhookConfig : IntegrationConfig
{
    public override string Kind => WebhookChannel.Name;

    public override bool SendResolved { get; init; } = true;

    public string? Url { get; init; }

    public string? UrlFile { get; init; }

    public HttpClientConfig HttpConfig { get; init; } = HttpClientConfig.Default;

    /// <summary>Alerts per message; 0 means no limit.</summary>
    public long MaxAlerts { get; init; }

    /// <summary>
    /// Per-attempt timeout (Alertmanager 0.34); null, 0 or less (Alertmanager: none) leaves it to the notifier's default,
    /// so a hung receiver cannot eat the whole retry budget.
    /// </summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary><c>payload</c> (Alertmanager 0.34): sent instead of the version 4 message when set.</summary>
    public WebhookPayload? Payload { get; init; }

    public static WebhookConfig Read(MapReader w, GlobalConfig global)
    {
        var config = new WebhookConfig
        {
            SendResolved = w.Bool("send_resolved", true),
            Url = UrlTemplate(w),
            UrlFile = w.FilePath("url_file"),
            HttpConfig = w.HttpConfig("http_config") ?? global.HttpConfig,
            MaxAlerts = w.Int("max_alerts", min: 0) ?? 0,
            Timeout = w.Duration("timeout"),
            Payload = WebhookPayload.Read(w, "payload"),
            Line = LoadContext.Line(w.Node),
        };
        w.UrlOrFile();
        w.Finish();
        return config;
    }

    /// <summary>
    /// <c>url</c>, which may hold Go templates as in Alertmanager 0.31 (<c>.../{{ .GroupLabels.team }}</c>): such a URL
    /// is checked once rendered, at send time; any other must be a URL now.
    /// </summary>
    private static string? UrlTemplate(MapReader w)
    {
        var url = w.Template("url");
        if (url is null || url.Contains("{{", StringComparison.Ordinal) || UrlCheck.Problem(url) is not { } problem)
        {
            return url;
        }
        w.Error("url", url.Length > 0 ? problem.Replace(url, "<redacted>", StringComparison.Ordinal) : problem);
        return null;
    }
}
