using Alerting.Core.Configuration;

namespace Alerting.Channels.MsTeamsV1;

/// <summary><c>msteams_configs</c> as Alertmanager's MSTeamsConfig: an Office 365 connector's webhook and Go templates.</summary>
internal sealed record MsTeamsV1Config : IntegrationConfig
{
    public const string DefaultTitle = """{{ template "msteams.default.title" . }}""";
    public const string DefaultSummary = """{{ template "msteams.default.summary" . }}""";
    public const string DefaultText = """{{ template "msteams.default.text" . }}""";

    public override string Kind => MsTeamsV1Channel.Name;

    public override bool SendResolved { get; init; } = true;

    public HttpClientConfig HttpConfig { get; init; } = HttpClientConfig.Default;

    public string? Url { get; init; }

    public string? UrlFile { get; init; }

    public string Title { get; init; } = DefaultTitle;

    public string Summary { get; init; } = DefaultSummary;

    public string Text { get; init; } = DefaultText;

    public static MsTeamsV1Config Read(MapReader m, GlobalConfig global)
    {
        var config = new MsTeamsV1Config
        {
            SendResolved = m.BoolOr("send_resolved", true),
            HttpConfig = m.HttpConfig("http_config") ?? global.HttpConfig,
            Url = m.Url("webhook_url", secret: true),
            UrlFile = m.FilePath("webhook_url_file"),
            Title = m.StringOr("title", DefaultTitle),
            Summary = m.StringOr("summary", DefaultSummary),
            Text = m.StringOr("text", DefaultText),
            Line = LoadContext.Line(m.Node),
        };
        m.ExactlyOne("webhook_url", "webhook_url_file");
        m.Finish();
        return config;
    }
}
