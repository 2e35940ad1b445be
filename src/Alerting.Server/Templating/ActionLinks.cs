namespace Alerting.Templating;

/// <summary>The signed links every message carries: view the group, silence it, acknowledge it.</summary>
internal sealed record ActionLinks(string View, string Silence1h, string Silence4h, string Silence24h, string Acknowledge)
{
    /// <summary>For previews and tests: links that point nowhere real.</summary>
    public static ActionLinks Placeholder(string externalUrl) => new(
        $"{externalUrl.TrimEnd('/')}/action/preview-view",
        $"{externalUrl.TrimEnd('/')}/action/preview-silence-1h",
        $"{externalUrl.TrimEnd('/')}/action/preview-silence-4h",
        $"{externalUrl.TrimEnd('/')}/action/preview-silence-24h",
        $"{externalUrl.TrimEnd('/')}/action/preview-ack");
}
