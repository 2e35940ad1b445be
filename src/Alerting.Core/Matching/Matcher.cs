using System.Text;
using Alerting.Core.Labels;

namespace Alerting.Core.Matching;

/// <summary>
/// One label matcher, as Alertmanager's labels.Matcher. Regexes are fully anchored and
/// cut off by a timeout (see <see cref="BoundedRegex"/>), so no silence, route or filter can hang the service.
/// </summary>
public sealed class Matcher : IEquatable<Matcher>
{
    /// <summary>Upper bound for one regex evaluation. A timed-out match counts as no match.</summary>
    public static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>Counts regex evaluations cut off by <see cref="RegexTimeout"/>; exported as a metric.</summary>
    public static long RegexTimeouts => Interlocked.Read(ref s_regexTimeouts);

    private static long s_regexTimeouts;

    private readonly BoundedRegex? _regex;

    private Matcher(MatchType type, string name, string value, BoundedRegex? regex)
    {
        Type = type;
        Name = name;
        Value = value;
        _regex = regex;
    }

    public MatchType Type { get; }

    public string Name { get; }

    public string Value { get; }

    public bool IsRegex => Type is MatchType.Regexp or MatchType.NotRegexp;

    public bool IsEqual => Type is MatchType.Equal or MatchType.Regexp;

    /// <summary>Creates a matcher; throws <see cref="MatcherException"/> when a regex does not compile.</summary>
    public static Matcher Create(MatchType type, string name, string value)
    {
        BoundedRegex? regex = null;
        if (type is MatchType.Regexp or MatchType.NotRegexp)
        {
            regex = RegexCache.Get(value);
        }
        return new Matcher(type, name, value, regex);
    }

    /// <summary>A regex matcher on a regex of its own, not the shared one of its pattern (tests with their own timeout).</summary>
    internal static Matcher Create(MatchType type, string name, BoundedRegex regex, string pattern) =>
        type is MatchType.Regexp or MatchType.NotRegexp
            ? new Matcher(type, name, pattern, regex)
            : throw new ArgumentException("only regex matchers have a regex", nameof(type));

    public static Matcher Create(string name, string value, bool isRegex, bool isEqual) =>
        Create((isRegex, isEqual) switch
        {
            (false, true) => MatchType.Equal,
            (false, false) => MatchType.NotEqual,
            (true, true) => MatchType.Regexp,
            (true, false) => MatchType.NotRegexp,
        }, name, value);

    public bool Matches(string value) => Type switch
    {
        MatchType.Equal => string.Equals(value, Value, StringComparison.Ordinal),
        MatchType.NotEqual => !string.Equals(value, Value, StringComparison.Ordinal),
        MatchType.Regexp => RegexMatches(value),
        MatchType.NotRegexp => !RegexMatches(value),
        _ => false,
    };

    /// <summary>Matches a label set; an absent label is matched as the empty string.</summary>
    public bool Matches(LabelSet labels) => Matches(labels.Get(Name));

    private bool RegexMatches(string value)
    {
        var matched = _regex!.IsMatch(value, out var timedOut);
        if (timedOut)
        {
            // A cut-off evaluation counts as no match: backtracking runs away on inputs that do not match.
            Interlocked.Increment(ref s_regexTimeouts);
        }
        return matched;
    }

    /// <summary>
    /// Alertmanager's String(): <c>name="escaped value"</c>; a name with characters the UTF-8 parser reserves is
    /// Go-quoted, and then so is the value (<c>"foo bar"="x"</c>). Route keys, and so group keys, are made of it.
    /// </summary>
    public override string ToString() => Name.EnumerateRunes().Any(r => Utf8Lexer.IsReserved(r.Value))
        ? $"{GoQuote.Quote(Name)}{Type.Operator()}{GoQuote.Quote(Value)}"
        : $"{Name}{Type.Operator()}{Quote(Value)}";

    internal static string Quote(string value)
    {
        var sb = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '"': sb.Append("\\\""); break;
                default: sb.Append(c); break;
            }
        }
        return sb.Append('"').ToString();
    }

    public bool Equals(Matcher? other) =>
        other is not null && other.Type == Type && other.Name == Name && other.Value == Value;

    public override bool Equals(object? obj) => Equals(obj as Matcher);

    public override int GetHashCode() => HashCode.Combine(Type, Name, Value);
}

public sealed class MatcherException(string message) : Exception(message);
