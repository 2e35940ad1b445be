using System.Diagnostics;
using Scriban;
using Scriban.Parsing;
using Scriban.Runtime;
using Scriban.Syntax;

namespace Alerting.Templating;

/// <summary>Where a template went wrong: the message and its 1-based line and column (0 when unknown).</summary>
internal sealed record TemplateError(string Message, int Line, int Column)
{
    public override string ToString() => Line > 0 ? $"line {Line}, column {Column}: {Message}" : Message;
}

/// <summary>A template that failed to parse or render.</summary>
internal sealed class TemplateException(TemplateError error) : Exception(error.ToString())
{
    public TemplateError Error { get; } = error;
}

/// <summary>One template text, parsed; <see cref="Error"/> is set when it does not parse.</summary>
/// <param name="Language">The file's language, or null for a language-neutral override (<c>dingtalk.markdown.sbn</c>).</param>
internal sealed record ScribanSource(string Name, string? Language, string Path, Template? Parsed, TemplateError? Error, bool IsDefault)
{
    public static ScribanSource Parse(string name, string? language, string path, string text, bool isDefault)
    {
        var (parsed, error) = TemplateSandbox.Parse(text, path);
        return new ScribanSource(name, language, path, parsed, error, isDefault);
    }
}

/// <summary>
/// Renders templates so that a template cannot hurt the service: it cannot read files or reach the
/// network (no <c>include</c>: the loader refuses; Scriban has no other way out), and loops, recursion,
/// string sizes and the run time are bounded, so a runaway template is stopped, not waited for.
/// </summary>
internal static class TemplateSandbox
{
    /// <summary>Iterations per render, across nested loops: ample for 1000 alerts with their labels.</summary>
    public const int LoopLimit = 100_000;

    public const int RecursiveLimit = 50;

    /// <summary>Characters in one string and in the whole output.</summary>
    public const int LimitToString = 1_000_000;

    public const int OutputLimit = 4_000_000;

    /// <summary>Template files larger than this are refused.</summary>
    public const int MaxTemplateChars = 1_000_000;

    // Scriban's html functions, with an escape that does not double-escape data escaped by ScriptModel.
    private static readonly ScriptObject s_htmlForEscapedData = CreateHtmlFunctions();

    public static (Template? Parsed, TemplateError? Error) Parse(string text, string path)
    {
        if (text.Length > MaxTemplateChars)
        {
            return (null, new TemplateError($"template is larger than {MaxTemplateChars} characters", 0, 0));
        }
        var template = Template.Parse(text, path);
        if (template.HasErrors)
        {
            var first = template.Messages.FirstOrDefault(m => m.Type == ParserMessageType.Error) ?? template.Messages[0];
            return (null, new TemplateError(first.Message, first.Span.Start.Line + 1, first.Span.Start.Column + 1));
        }
        return (template, null);
    }

    /// <summary>Renders with the model's strings escaped as <paramref name="escaping"/> says; trailing whitespace is trimmed.</summary>
    /// <exception cref="TemplateException">The template failed or ran out of time.</exception>
    public static string Render(Template template, ChannelTemplate escaping, TemplateModel model, TimeSpan timeout)
    {
        var globals = ScriptModel.Build(model, escaping);
        if (escaping.IsHtml)
        {
            globals["html"] = s_htmlForEscapedData;
        }
        var context = new DeadlineContext(timeout)
        {
            LoopLimit = LoopLimit,
            LoopLimitQueryable = LoopLimit,
            RecursiveLimit = RecursiveLimit,
            LimitToString = LimitToString,
            OutputLimit = OutputLimit,
            ObjectRecursionLimit = 10,
            RegexTimeOut = TimeSpan.FromMilliseconds(200),
            TemplateLoader = RefusingLoader.Instance,
        };
        context.PushGlobal(globals);
        try
        {
            return template.Render(context).TrimEnd();
        }
        catch (ScriptRuntimeException e) when (context.TimedOut)
        {
            throw new TemplateException(new TemplateError($"stopped after {timeout.TotalSeconds:0.###}s: the template takes too long", Line(e.Span), Column(e.Span)));
        }
        catch (ScriptRuntimeException e)
        {
            throw new TemplateException(new TemplateError(e.OriginalMessage, Line(e.Span), Column(e.Span)));
        }
        catch (Exception e) when (e is not TemplateException)
        {
            // Builtins may throw plain .NET exceptions (format, overflow, regex timeout, ...).
            throw new TemplateException(new TemplateError($"{e.GetType().Name}: {e.Message}", 0, 0));
        }
    }

    private static int Line(SourceSpan span) => span.Start.Line + 1;

    private static int Column(SourceSpan span) => span.Start.Column + 1;

    private static ScriptObject CreateHtmlFunctions()
    {
        var html = new ScriptObject();
        if (new TemplateContext().BuiltinObject["html"] is ScriptObject builtin)
        {
            foreach (var (key, value) in builtin)
            {
                html[key] = value;
            }
        }
        html.Import("escape", new Func<string?, string?>(TemplateEscaping.IdempotentHtmlEscape));
        html.IsReadOnly = true;
        return html;
    }

    /// <summary>
    /// Stops the render at its deadline, checked as it evaluates. A <see cref="CancellationTokenSource"/> timer would
    /// need a thread-pool thread to fire, and a busy service has none to spare: a 300 ms timeout then stopped a
    /// runaway template after 3 s in a CI run, and after 20 s with the pool starved on purpose.
    /// </summary>
    private sealed class DeadlineContext(TimeSpan timeout) : TemplateContext
    {
        private readonly long _deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        private int _untilCheck;

        public bool TimedOut { get; private set; }

        public override object? Evaluate(ScriptNode? scriptNode, bool aliasReturnedFunction = false)
        {
            if (--_untilCheck < 0 && scriptNode is not null)
            {
                _untilCheck = 64;
                if (Stopwatch.GetTimestamp() > _deadline)
                {
                    TimedOut = true;
                    throw new ScriptAbortException(scriptNode.Span, CancellationToken.None);
                }
            }
            return base.Evaluate(scriptNode, aliasReturnedFunction);
        }
    }

    /// <summary>Notification templates are self-contained: <c>include</c> is refused.</summary>
    private sealed class RefusingLoader : ITemplateLoader
    {
        public static readonly RefusingLoader Instance = new();

        public string GetPath(TemplateContext context, SourceSpan callerSpan, string templateName) =>
            throw new ScriptRuntimeException(callerSpan, $"include \"{templateName}\" is not allowed: notification templates cannot read other files");

        public string Load(TemplateContext context, SourceSpan callerSpan, string templatePath) =>
            throw new ScriptRuntimeException(callerSpan, "include is not allowed in notification templates");

        public ValueTask<string?> LoadAsync(TemplateContext context, SourceSpan callerSpan, string templatePath) =>
            throw new ScriptRuntimeException(callerSpan, "include is not allowed in notification templates");
    }
}
