using System.Collections.Concurrent;
using Alerting.Core.Notifications;
using Alerting.GoTemplates.Alertmanager;
using Alerting.GoTemplates.Escaping;
using Alerting.GoTemplates.Execution;
using Alerting.GoTemplates.Parsing;
using Alerting.GoTemplates.Values;

namespace Alerting.GoTemplates;

/// <summary>
/// Alertmanager's *template.Template: the bundled default.tmpl and email.tmpl, then the user's files (as
/// template.FromGlobs). Immutable and thread-safe once built; inline texts are compiled once and cached.
/// </summary>
public sealed class GoTemplateSet
{
    private const int MaxCachedTexts = 4096;

    private static readonly Lazy<GoTemplateSet> DefaultSet = new(() => Load([]));

    private readonly Dictionary<string, Tree> _templates;
    private readonly Dictionary<string, GoFunc> _textFuncs;
    private readonly Dictionary<string, GoFunc> _htmlFuncs;
    private readonly ConcurrentDictionary<string, Compiled> _textCache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Compiled> _htmlCache = new(StringComparer.Ordinal);

    private GoTemplateSet(Dictionary<string, Tree> templates, Dictionary<string, GoFunc> funcs, GoTemplateLimits limits)
    {
        _templates = templates;
        _textFuncs = funcs;
        _htmlFuncs = new Dictionary<string, GoFunc>(funcs, StringComparer.Ordinal);
        foreach (var (name, f) in HtmlEscapers.All)
        {
            _htmlFuncs[name] = f;
        }
        Limits = limits;
    }

    /// <summary>Bundled default.tmpl + email.tmpl only.</summary>
    public static GoTemplateSet Default => DefaultSet.Value;

    public GoTemplateLimits Limits { get; }

    /// <summary>The names of the templates the set defines.</summary>
    public IReadOnlyCollection<string> TemplateNames => _templates.Keys;

    /// <summary>
    /// Throws <see cref="GoTemplateParseException"/> for a file that does not parse.
    /// <paramref name="timeProvider"/> serves the now and since functions.
    /// </summary>
    public static GoTemplateSet Load(IEnumerable<TemplateSource> files, GoTemplateLimits? limits = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(files);
        var funcs = new Dictionary<string, GoFunc>(Builtins.All, StringComparer.Ordinal);
        foreach (var (name, f) in AmFunctions.Create(timeProvider ?? TimeProvider.System))
        {
            funcs[name] = f;
        }
        var templates = new Dictionary<string, Tree>(StringComparer.Ordinal);
        foreach (var bundled in BundledTemplates.All)
        {
            // Alertmanager parses its own files into the unnamed root template.
            Associate(templates, Parse("", bundled.Name, bundled.Text, funcs));
        }
        foreach (var file in files)
        {
            Associate(templates, Parse(Path.GetFileName(file.Path), file.Path, file.Text, funcs));
        }
        return new GoTemplateSet(templates, funcs, limits ?? GoTemplateLimits.Default);
    }

    /// <summary>Alertmanager's ExecuteTextString: "" gives ""; the text may call {{ template "x" . }} of the set.</summary>
    public string ExecuteText(string text, NotificationData data) => Execute(text, data, html: false);

    /// <summary>Alertmanager's ExecuteHTMLString (html/template escaping).</summary>
    public string ExecuteHtml(string text, NotificationData data) => Execute(text, data, html: true);

    /// <summary>Parses an inline text without running it (config-load validation).</summary>
    public void Check(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Compile(text, html: false);
    }

    private string Execute(string text, NotificationData data, bool html)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Execute(text, new DataValue(data), html);
    }

    /// <summary>Runs a text over data already in the template model (one per message, see TemplateExpander).</summary>
    internal string Execute(string text, DataValue data, bool html)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
        {
            return "";
        }
        try
        {
            var compiled = Compile(text, html);
            return compiled.Runtime.Execute(compiled.Root, data);
        }
        catch (ExecException e)
        {
            throw new GoTemplateException(e.Message, e);
        }
        catch (EscapeException e)
        {
            throw new GoTemplateException(e.Message, e);
        }
        catch (Exception e) when (e is InvalidOperationException or InvalidCastException or NullReferenceException
            or ArgumentException or IndexOutOfRangeException or System.Text.RegularExpressions.RegexMatchTimeoutException)
        {
            // An engine bug must not escape as anything but a template failure.
            throw new GoTemplateException("template: internal error: " + e.Message, e);
        }
    }

    private Compiled Compile(string text, bool html)
    {
        var cache = html ? _htmlCache : _textCache;
        if (cache.TryGetValue(text, out var compiled))
        {
            return compiled;
        }
        var funcs = html ? _htmlFuncs : _textFuncs;
        var templates = new Dictionary<string, Tree>(_templates, StringComparer.Ordinal);
        var inline = Parse("", "", text, _textFuncs);
        Associate(templates, inline);
        var root = inline[""];
        if (html)
        {
            root = Escaper.Escape(templates, root);
        }
        compiled = new Compiled(new TemplateRuntime(templates, funcs, Limits.TimeBudget, Limits.MaxOutputBytes), root);
        if (cache.Count < MaxCachedTexts)
        {
            cache.TryAdd(text, compiled);
        }
        return compiled;
    }

    private static Dictionary<string, Tree> Parse(string name, string path, string text, Dictionary<string, GoFunc> funcs)
    {
        try
        {
            return Parser.Parse(name, text, funcs.ContainsKey);
        }
        catch (ParseError e)
        {
            throw new GoTemplateParseException(path, e.Line, 0, e.Message);
        }
    }

    /// <summary>text/template's associate: a later definition replaces an earlier one unless it is empty.</summary>
    private static void Associate(Dictionary<string, Tree> templates, Dictionary<string, Tree> parsed)
    {
        foreach (var (name, tree) in parsed)
        {
            if (templates.TryGetValue(name, out var old) && Tree.IsEmpty(tree.Root) && old.Root is not null)
            {
                continue;
            }
            templates[name] = tree;
        }
    }

    private sealed record Compiled(TemplateRuntime Runtime, Tree Root);
}
