using System.Text;
using Alerting.Configuration;
using Alerting.Metrics;

namespace Alerting.Templating;

/// <summary>Where the default templates are and how long one render may take.</summary>
internal sealed record TemplateOptions
{
    public static readonly TemplateOptions Default = new();

    /// <summary>The shipped templates, copied next to the binary.</summary>
    public string DefaultsDirectory { get; init; } = Path.Combine(AppContext.BaseDirectory, "templates");

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(2);
}

/// <summary>The outcome of a render that must not fall back (previews): the text, or what went wrong.</summary>
internal sealed record TemplateRenderResult(string? Text, TemplateError? Error);

/// <summary>
/// Renders the channels' messages from Scriban templates: the defaults in <c>templates/</c>, replaced by
/// files of the same name from the config's <c>templates:</c> globs (reloaded with the config). A
/// template that fails falls back to the default, and the default to plain text, so a template bug never
/// loses a notification; every failure is logged and counted in <c>alerting_template_failures_total</c>.
/// </summary>
internal sealed class TemplateRenderer
{
    /// <summary>The templates the channels render.</summary>
    public IReadOnlyList<string> Names => Catalog.Names;

    public TemplateCatalog Catalog { get; }

    public const string DefaultLanguage = "en";

    private readonly AlertingMetrics _metrics;
    private readonly ILogger<TemplateRenderer> _log;
    private readonly TemplateOptions _options;
    private readonly IReadOnlyList<ScribanSource> _defaults;
    private IReadOnlyList<ScribanSource> _overrides = [];

    public TemplateRenderer(AlertingMetrics metrics, ILogger<TemplateRenderer> log, TemplateCatalog catalog, TemplateOptions? options = null)
    {
        Catalog = catalog;
        _metrics = metrics;
        _log = log;
        _options = options ?? TemplateOptions.Default;
        _defaults = LoadDefaults(_options.DefaultsDirectory);
    }

    /// <summary>The override files in use, after the last load.</summary>
    public IReadOnlyList<string> OverrideFiles => [.. Volatile.Read(ref _overrides).Select(o => o.Path)];

    /// <summary>
    /// Reads the override files matched by the config's <c>templates:</c> globs and swaps them in at once.
    /// Files that do not parse are kept as failures: rendering them falls back to the default and counts.
    /// </summary>
    public void LoadOverrides(IEnumerable<string> globs)
    {
        var loaded = new List<ScribanSource>();
        foreach (var glob in globs)
        {
            // Other files are Go templates, loaded with the configuration (GoTemplateFiles).
            foreach (var path in TemplateGlobs.Expand(glob).Where(p => p.EndsWith(TemplateFiles.Extension, StringComparison.OrdinalIgnoreCase)))
            {
                if (Catalog.Identify(path) is not { } id)
                {
                    _log.LogWarning("Template file {Path} is not one of ours (NAME[.LANGUAGE].sbn with NAME one of {Names}); ignored", path, string.Join(", ", Names));
                    continue;
                }
                var (name, language) = id;
                ScribanSource source;
                try
                {
                    source = ScribanSource.Parse(name, language, path, File.ReadAllText(path), isDefault: false);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    _log.LogError("Template file {Path} cannot be read, the default {Name} is used: {Error}", path, name, e.Message);
                    continue;
                }
                if (source.Error is { } error)
                {
                    _log.LogError("Template file {Path} does not parse ({Error}); the default {Name} is used until it is fixed", path, error, name);
                }
                // A later glob wins over an earlier one for the same name and language.
                loaded.RemoveAll(s => s.Name == name && string.Equals(s.Language, language, StringComparison.OrdinalIgnoreCase));
                loaded.Add(source);
            }
        }
        Volatile.Write(ref _overrides, loaded);
    }

    /// <summary>
    /// Renders template <paramref name="name"/> (one of <see cref="Names"/>) in <paramref name="language"/>
    /// (null for English). Never throws for a template's fault: it falls back to the default, then to plain text.
    /// </summary>
    public string Render(string name, string? language, TemplateModel model) =>
        RenderFirst(name, InOrder(name, language), model);

    /// <summary>Whether an override file of that name (in any language) is loaded.</summary>
    public bool HasOverride(string name) => Volatile.Read(ref _overrides).Any(s => s.Name == name);

    /// <summary>The template that <see cref="Render"/> tries first: the override if any, else the default.</summary>
    public ScribanSource? Find(string name, string? language) => InOrder(name, language).FirstOrDefault();

    /// <summary>Renders one template without falling back, for previews: the text, or the error with its line.</summary>
    public TemplateRenderResult TryRender(ScribanSource source, TemplateModel model)
    {
        if (source.Parsed is null)
        {
            return new TemplateRenderResult(null, source.Error);
        }
        try
        {
            return new TemplateRenderResult(TemplateSandbox.Render(source.Parsed, Catalog.For(source.Name), model, _options.Timeout), null);
        }
        catch (TemplateException e)
        {
            return new TemplateRenderResult(null, e.Error);
        }
    }

    private string RenderFirst(string name, IEnumerable<ScribanSource> candidates, TemplateModel model)
    {
        foreach (var source in candidates)
        {
            var result = TryRender(source, model);
            if (result.Text is { } text)
            {
                return text;
            }
            _metrics.TemplateFailures.WithLabels(name).Inc();
            _log.LogWarning("Template {Name} from {Path} failed ({Error}); falling back to the {Next}",
                name, source.Path, result.Error, source.IsDefault ? "plain-text message" : "default template");
        }
        return PlainText(Catalog.For(name), model);
    }

    /// <summary>
    /// Overrides before defaults. Within each: the exact language, then its base ("zh" for "zh-CN") or a
    /// sibling ("zh-CN" for "zh-TW"); then a language-neutral override; and for defaults English last.
    /// </summary>
    private IEnumerable<ScribanSource> InOrder(string name, string? language)
    {
        if (!Names.Contains(name))
        {
            throw new ArgumentException($"unknown template \"{name}\"; known: {string.Join(", ", Names)}", nameof(name));
        }
        language = string.IsNullOrWhiteSpace(language) ? DefaultLanguage : language;
        var overrides = Volatile.Read(ref _overrides).Where(s => s.Name == name).ToList();
        var defaults = _defaults.Where(s => s.Name == name).ToList();
        var seen = new HashSet<ScribanSource>(ReferenceEqualityComparer.Instance);
        IEnumerable<ScribanSource?> ordered =
        [
            ByLanguage(overrides, language),
            overrides.FirstOrDefault(s => s.Language is null),
            ByLanguage(defaults, language),
            ByLanguage(defaults, DefaultLanguage),
        ];
        foreach (var source in ordered)
        {
            if (source is not null && seen.Add(source))
            {
                yield return source;
            }
        }
    }

    private static ScribanSource? ByLanguage(List<ScribanSource> sources, string language)
    {
        var bare = BaseOf(language);
        return sources.FirstOrDefault(s => string.Equals(s.Language, language, StringComparison.OrdinalIgnoreCase))
            ?? sources.FirstOrDefault(s => string.Equals(s.Language, bare, StringComparison.OrdinalIgnoreCase))
            ?? sources.FirstOrDefault(s => s.Language is not null && string.Equals(BaseOf(s.Language), bare, StringComparison.OrdinalIgnoreCase));
    }

    private static string BaseOf(string language) => language.Split('-', 2)[0];

    private IReadOnlyList<ScribanSource> LoadDefaults(string directory)
    {
        if (!Directory.Exists(directory))
        {
            _log.LogError("Default templates not found in {Directory}; messages fall back to plain text", directory);
            return [];
        }
        var result = new List<ScribanSource>();
        foreach (var path in Directory.EnumerateFiles(directory, "*" + TemplateFiles.Extension).Order(StringComparer.Ordinal))
        {
            if (Catalog.Identify(path) is not (var name, string language))
            {
                continue;
            }
            var source = ScribanSource.Parse(name, language, path, File.ReadAllText(path), isDefault: true);
            if (source.Error is { } error)
            {
                _log.LogError("Default template {Path} does not parse: {Error}", path, error);
            }
            result.Add(source);
        }
        return result;
    }

    /// <summary>The last resort when no template renders: a plain message that still says what fires.</summary>
    internal static string PlainText(ChannelTemplate template, TemplateModel model)
    {
        var name = template.Name;
        var e = template.Escape;
        var title = model.Status == Core.Notifications.NotificationStatus.Firing
            ? $"[FIRING:{model.FiringCount}] {e(model.AlertName)}"
            : $"[RESOLVED] {e(model.AlertName)}";
        if (name.EndsWith(".title", StringComparison.Ordinal) || name.EndsWith(".subject", StringComparison.Ordinal))
        {
            return title;
        }
        // Data is escaped piece by piece and the links as URLs, so escaping cannot break a link.
        var sb = new StringBuilder(title).Append('\n');
        foreach (var alert in model.Alerts)
        {
            sb.Append($"\n- [{alert.Status}] {string.Join(" ", alert.Labels.Select(p => $"{e(p.Key)}={e(p.Value)}"))}");
            if (alert.Summary.Length > 0)
            {
                sb.Append($": {e(alert.Summary)}");
            }
        }
        if (model.TruncatedAlerts > 0)
        {
            sb.Append($"\n- and {model.TruncatedAlerts} more");
        }
        if (model.Links is { } links)
        {
            var u = template.Url;
            sb.Append($"\n\nView: {u(links.View)}\nSilence 1h: {u(links.Silence1h)}\nAcknowledge: {u(links.Acknowledge)}");
        }
        return template.IsHtml ? $"<pre>{sb}</pre>" : sb.ToString();
    }
}
