namespace Alerting.Templating;

/// <summary>A template a channel renders, and how alert data is escaped before the template sees it.</summary>
/// <param name="IsHtml">HTML output: the plain-text fallback is wrapped in <c>pre</c>, and <c>html.escape</c> does not escape twice.</param>
internal sealed record ChannelTemplate(string Name, Func<string, string> Escape, bool IsHtml = false)
{
    private readonly Func<string, string>? _url;

    public static string Unescaped(string s) => s;

    /// <summary>
    /// How a URL is written into the template's markup: the action links, the external URL, and the data's URLs
    /// after <see cref="SafeUrl"/>. <see cref="Escape"/> unless the channel says otherwise (markdown
    /// without backslash escapes must not touch a URL).
    /// </summary>
    public Func<string, string> Url
    {
        get => _url ?? Escape;
        init => _url = value;
    }
}

/// <summary>
/// The templates the channels render, with how each escapes alert data: given by the channels (Channels.ChannelRegistry)
/// to everything that renders, previews or loads templates.
/// </summary>
internal sealed class TemplateCatalog(IEnumerable<ChannelTemplate> templates)
{
    private readonly IReadOnlyList<ChannelTemplate> _templates = [.. templates];

    public IReadOnlyList<string> Names => [.. _templates.Select(t => t.Name)];

    /// <summary>The template of that name; unescaped plain text for other names (a preview without one).</summary>
    public ChannelTemplate For(string name) => _templates.FirstOrDefault(t => t.Name == name) ?? new ChannelTemplate(name, ChannelTemplate.Unescaped);

    /// <summary>
    /// The name and language a file stands for: <c>dingtalk.markdown.zh-CN.sbn</c> is dingtalk.markdown in
    /// zh-CN, <c>dingtalk.markdown.sbn</c> is dingtalk.markdown in every language. Null for other files.
    /// </summary>
    public (string Name, string? Language)? Identify(string path)
    {
        var file = Path.GetFileName(path);
        if (!file.EndsWith(TemplateFiles.Extension, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var stem = file[..^TemplateFiles.Extension.Length];
        foreach (var name in Names.OrderByDescending(n => n.Length))
        {
            if (stem.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return (name, null);
            }
            if (stem.StartsWith(name + ".", StringComparison.OrdinalIgnoreCase) && stem.Length > name.Length + 1)
            {
                return (name, stem[(name.Length + 1)..]);
            }
        }
        return null;
    }
}
