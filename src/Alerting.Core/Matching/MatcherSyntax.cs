using Alerting.Core.Labels;

namespace Alerting.Core.Matching;

/// <summary>Alertmanager's matcher modes (featurecontrol): the default, <c>classic-mode</c> and <c>utf8-strict-mode</c>.</summary>
public enum MatcherMode
{
    /// <summary>UTF-8 label names; the UTF-8 parser, falling back to the classic one with a warning (Alertmanager ≥ 0.27's default).</summary>
    Fallback,

    /// <summary>Classic label names (<c>[a-zA-Z_][a-zA-Z0-9_]*</c>) and the classic parser only, as in Alertmanager 0.25.</summary>
    Classic,

    /// <summary>UTF-8 label names and the UTF-8 parser only.</summary>
    Utf8Strict,
}

/// <summary>
/// Which label names are valid and how matchers are parsed, in a <see cref="MatcherMode"/>: Alertmanager's
/// matcher/compat package. <paramref name="warn"/> gets its warnings: input only the classic parser takes, and input
/// both parsers take differently (then the classic result counts).
/// </summary>
public sealed class MatcherSyntax(MatcherMode mode, Action<string>? warn = null)
{
    public const string FallbackWarning = "Alertmanager is moving to a new parser for labels and matchers, and this input is incompatible. "
        + "Alertmanager has instead parsed the input using the classic matchers parser as a fallback. To make this input compatible with the "
        + "UTF-8 matchers parser please make sure all regular expressions and values are double-quoted and backslashes are escaped. "
        + "If you are still seeing this message please open an issue.";

    public const string DisagreementWarning = "Matchers input has disagreement";

    /// <summary>The default mode, without anyone to warn.</summary>
    public static readonly MatcherSyntax Default = new(MatcherMode.Fallback);

    public MatcherMode Mode { get; } = mode;

    /// <summary>The same mode, warning somewhere else (a config load reports its warnings with file and line).</summary>
    public MatcherSyntax WarningTo(Action<string> sink) => new(Mode, sink);

    /// <summary>Classic names in classic mode; otherwise any non-empty valid UTF-8 name.</summary>
    public bool IsValidLabelName(string name) => Mode == MatcherMode.Classic ? LabelName.IsValid(name) : LabelName.IsValidUtf8(name);

    /// <summary>One matcher, as a filter of the API: <c>compat.Matcher</c>. Braces are refused outside classic mode.</summary>
    public Matcher ParseMatcher(string input, string origin)
    {
        if (Mode == MatcherMode.Classic)
        {
            return MatcherParser.Parse(input);
        }
        if (input.StartsWith('{') || input.EndsWith('}'))
        {
            throw new MatcherException($"unexpected open or close brace: {input}");
        }
        if (Mode == MatcherMode.Utf8Strict)
        {
            return Utf8MatcherParser.Parse(input);
        }
        var (utf8, utf8Error) = Try(() => Utf8MatcherParser.Parse(input));
        var (classic, classicError) = Try(() => MatcherParser.Parse(input));
        return Choose(input, origin, utf8 is null ? null : [utf8], utf8Error, classic is null ? null : [classic], classicError)[0];
    }

    /// <summary>Zero or more matchers, as in the configuration: <c>compat.Matchers</c>.</summary>
    public Matchers ParseMatchers(string input, string origin)
    {
        if (Mode == MatcherMode.Classic)
        {
            return MatcherParser.ParseList(input);
        }
        if (Mode == MatcherMode.Utf8Strict)
        {
            return Utf8MatcherParser.ParseList(input);
        }
        var (utf8, utf8Error) = Try(() => Utf8MatcherParser.ParseList(input));
        var (classic, classicError) = Try(() => MatcherParser.ParseList(input));
        return new Matchers(Choose(input, origin, utf8, utf8Error, classic, classicError));
    }

    private IReadOnlyList<Matcher> Choose(
        string input, string origin, IReadOnlyList<Matcher>? utf8, string? utf8Error, IReadOnlyList<Matcher>? classic, string? classicError)
    {
        if (utf8 is null)
        {
            if (classic is null)
            {
                throw new MatcherException(classicError!); // invalid for both: the classic parser's error
            }
            var suggestion = string.Join(",", classic.Select(m => m.ToString()));
            warn?.Invoke($"{FallbackWarning} input={GoQuote.Quote(input)} origin={origin} err={GoQuote.Quote(utf8Error!)} suggestion={GoQuote.Quote(suggestion)}");
            return classic;
        }
        // Zero matchers count as a disagreement too: Go compares the new parser's nil with the classic parser's empty list.
        if (classic is not null && (classic.Count == 0 || !classic.SequenceEqual(utf8)))
        {
            warn?.Invoke($"{DisagreementWarning} input={GoQuote.Quote(input)} origin={origin}");
            return classic;
        }
        return utf8;
    }

    private static (T? Value, string? Error) Try<T>(Func<T> parse)
        where T : class
    {
        try
        {
            return (parse(), null);
        }
        catch (MatcherException e)
        {
            return (null, e.Message);
        }
    }
}
