using Alerting.Core.Configuration;

namespace Alerting.Channels.MsTeamsV2;

/// <summary><c>msteamsv2_configs</c> as Alertmanager's MSTeamsV2Config: a Power Automate workflow's webhook and Go templates.</summary>
internal sealed record MsTeamsV2Config : IntegrationConfig
{
    public const string DefaultTitle = """{{ template "msteamsv2.default.title" . }}""";
    public const string DefaultText = """{{ template "msteamsv2.default.text" . }}""";

    public override string Kind => MsTeamsV2Channel.Name;

    public override bool SendResolved { get; init; } = true;

    public HttpClientConfig HttpConfig { get; init; } = HttpClientConfig.Default;

    public string? Url { get; init; }

    public string? UrlFile { get; init; }

    public string Title { get; init; } = DefaultTitle;

    public string Text { get; init; } = DefaultText;

    public static MsTeamsV2Config Read(MapReader m, GlobalConfig global)
    {
        var own = m.HttpConfig("http_config");
        var config = new MsTeamsV2Config
        {
            SendResolved = m.BoolOr("send_resolved", true),
            // Alertmanager: the global http_config when the entry has none; else the entry's, with the global
            // proxy_url when it sets none itself.
            HttpConfig = own is null ? global.HttpConfig : own.ProxyUrl is null ? own with { ProxyUrl = global.HttpConfig.ProxyUrl } : own,
            Url = m.Url("webhook_url", secret: true),
            UrlFile = m.FilePath("webhook_url_file"),
            Title = m.StringOr("title", DefaultTitle),
            Text = m.StringOr("text", DefaultText),
            Line = LoadContext.Line(m.Node),
        };
        m.ExactlyOne("webhook_url", "webhook_url_file");
        m.Finish();
        return config;
    }
}
