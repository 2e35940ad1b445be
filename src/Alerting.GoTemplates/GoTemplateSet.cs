using Alerting.Core.Notifications;

namespace Alerting.GoTemplates;

/// <summary>
/// Alertmanager's *template.Template: the bundled default.tmpl and email.tmpl, then the user's files (as
/// template.FromGlobs). Immutable and thread-safe once built; inline texts are compiled once and cached.
/// </summary>
public sealed class GoTemplateSet
{
    private static readonly Lazy<GoTemplateSet> DefaultSet = new(() => Load([]));

    private GoTemplateSet(GoTemplateLimits limits) => Limits = limits;

    /// <summary>Bundled default.tmpl + email.tmpl only.</summary>
    public static GoTemplateSet Default => DefaultSet.Value;

    public GoTemplateLimits Limits { get; }

    /// <summary>Throws <see cref="GoTemplateParseException"/> for a file that does not parse.</summary>
    public static GoTemplateSet Load(IEnumerable<TemplateSource> files, GoTemplateLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(files);
        return new GoTemplateSet(limits ?? GoTemplateLimits.Default);
    }

    /// <summary>Alertmanager's ExecuteTextString: "" gives "".</summary>
    public string ExecuteText(string text, NotificationData data) => Execute(text, data);

    /// <summary>Alertmanager's ExecuteHTMLString (html/template escaping).</summary>
    public string ExecuteHtml(string text, NotificationData data) => Execute(text, data);

    /// <summary>Parses an inline text without running it (config-load validation).</summary>
    public void Check(string text) => ArgumentNullException.ThrowIfNull(text);

    // The contract's first cut: plain text passes through; actions are not run yet.
    private static string Execute(string text, NotificationData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (text.Contains("{{", StringComparison.Ordinal))
        {
            throw new GoTemplateException("template: :1: the Go template engine is not implemented yet");
        }
        return text;
    }
}
