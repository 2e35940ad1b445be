using System.Collections.Concurrent;
using Alerting.Core.Notifications;
using Alerting.GoTemplates.Alertmanager;
using Alerting.GoTemplates.Escaping;
using Alerting.GoTemplates.Execution;
using Alerting.GoTemplates.Parsing;
using Alerting.GoTemplates.Sprig;
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

    private readonly GoTemplateSet? _sprig;
    private readonly bool _webhookDingtalkData;

    private GoTemplateSet(
        Dictionary<string, Tree> templates, Dictionary<string, GoFunc> funcs, GoTemplateLimits limits, GoTemplateSet? sprig, bool webhookDingtalkData)
    {
        _sprig = sprig;
        _webhookDingtalkData = webhookDingtalkData;
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

    /// <summary>
    /// The same files as prometheus-webhook-dingtalk runs them, for our DingTalk, WeCom and Feishu fields: its
    /// default.tmpl after Alertmanager's, sprig's functions and its own over Alertmanager's, and its data (with
    /// AtMobiles). A set that is already that one returns itself.
    /// </summary>
    public GoTemplateSet Sprig => _sprig ?? this;

    /// <summary>The <c>templates:</c> files that parse only with sprig's functions: the Alertmanager receivers do not see them.</summary>
    public IReadOnlyList<string> SprigOnlyFiles { get; private init; } = [];

    /// <summary>The names of the templates the set defines.</summary>
    public IReadOnlyCollection<string> TemplateNames => _templates.Keys;

    /// <summary>
    /// Throws <see cref="GoTemplateParseException"/> for a file that does not parse.
    /// <paramref name="timeProvider"/> serves the now and since functions.
    /// </summary>
    public static GoTemplateSet Load(IEnumerable<TemplateSource> files, GoTemplateLimits? limits = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(files);
        var clock = timeProvider ?? TimeProvider.System;
        var funcs = new Dictionary<string, GoFunc>(Builtins.All, StringComparer.Ordinal);
        foreach (var (name, f) in AmFunctions.Create(clock))
        {
            funcs[name] = f;
        }
        // prometheus-webhook-dingtalk: Funcs(defaultFuncs).Funcs(sprig.TxtFuncMap()), so sprig wins.
        var sprigFuncs = new Dictionary<string, GoFunc>(funcs, StringComparer.Ordinal);
        foreach (var f in SprigFunctions.Create(clock))
        {
            sprigFuncs[f.Name] = f;
        }
        var templates = new Dictionary<string, Tree>(StringComparer.Ordinal);
        var sprigTemplates = new Dictionary<string, Tree>(StringComparer.Ordinal);
        foreach (var bundled in BundledTemplates.All)
        {
            // Alertmanager parses its own files into the unnamed root template.
            Associate(templates, Parse("", bundled.Name, bundled.Text, funcs));
            Associate(sprigTemplates, Parse("", bundled.Name, bundled.Text, sprigFuncs));
        }
        var dingtalk = BundledTemplates.WebhookDingtalk;
        Associate(sprigTemplates, Parse("", dingtalk.Name, dingtalk.Text, sprigFuncs));
        var sprigOnly = new List<string>();
        foreach (var file in files)
        {
            var name = Path.GetFileName(file.Path);
            Dictionary<string, Tree>? parsed = null;
            GoTemplateParseException? error = null;
            try
            {
                parsed = Parse(name, file.Path, file.Text, funcs);
            }
            catch (GoTemplateParseException e)
            {
                error = e;
            }
            Dictionary<string, Tree> withSprig;
            try
            {
                withSprig = Parse(name, file.Path, file.Text, sprigFuncs);
            }
            catch (GoTemplateParseException) when (error is not null)
            {
                // Wrong with both maps: Alertmanager's error, as Alertmanager refuses the file.
                throw error;
            }
            if (parsed is not null)
            {
                Associate(templates, parsed);
            }
            else
            {
                sprigOnly.Add(file.Path);
            }
            Associate(sprigTemplates, withSprig);
        }
        var limit = limits ?? GoTemplateLimits.Default;
        var sprig = new GoTemplateSet(sprigTemplates, sprigFuncs, limit, null, webhookDingtalkData: true);
        return new GoTemplateSet(templates, funcs, limit, sprig, webhookDingtalkData: false) { SprigOnlyFiles = sprigOnly };
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
        return Execute(text, Model(data), html);
    }

    /// <summary>The data as this set's templates see it: Alertmanager's template.Data, or prometheus-webhook-dingtalk's (with AtMobiles).</summary>
    internal DataValue Model(NotificationData data) => new(data, _webhookDingtalkData);

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
