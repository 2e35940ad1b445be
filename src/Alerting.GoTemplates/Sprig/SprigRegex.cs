using System.Text;
using System.Text.RegularExpressions;
using Alerting.GoTemplates.Alertmanager;
using Alerting.GoTemplates.Values;

namespace Alerting.GoTemplates.Sprig;

/// <summary>sprig's regex functions (regex.go) with Go's RE2 syntax and match iteration; the plain forms panic on a bad pattern, the must* forms return its error.</summary>
internal static class SprigRegex
{
    private static readonly GoType S = GoTypes.String;
    private static readonly GoType I = GoTypes.Int;

    public static IEnumerable<GoFunc> Functions() =>
    [
        new("regexMatch", GoSignature.Of(S, S), a => Compile((string)a[0]!, Mode.Quiet) is { } re && re.IsMatch((string)a[1]!)),
        new("mustRegexMatch", GoSignature.WithError(S, S), a => Compile((string)a[0]!, Mode.Error)!.IsMatch((string)a[1]!)),
        new("regexFindAll", GoSignature.Of(S, S, I), a => FindAll(Compile((string)a[0]!, Mode.Panic)!, (string)a[1]!, (long)a[2]!)),
        new("mustRegexFindAll", GoSignature.WithError(S, S, I), a => FindAll(Compile((string)a[0]!, Mode.Error)!, (string)a[1]!, (long)a[2]!)),
        new("regexFind", GoSignature.Of(S, S), a => Compile((string)a[0]!, Mode.Panic)!.Match((string)a[1]!).Value),
        new("mustRegexFind", GoSignature.WithError(S, S), a => Compile((string)a[0]!, Mode.Error)!.Match((string)a[1]!).Value),
        new("regexReplaceAll", GoSignature.Of(S, S, S), a => GoRegexp.ReplaceAll((string)a[0]!, (string)a[2]!, (string)a[1]!)),
        new("mustRegexReplaceAll", GoSignature.WithError(S, S, S), a => Replace((string)a[0]!, (string)a[1]!, (string)a[2]!)),
        new("regexReplaceAllLiteral", GoSignature.Of(S, S, S), a => GoRegexp.ReplaceAll((string)a[0]!, Literal((string)a[2]!), (string)a[1]!)),
        new("mustRegexReplaceAllLiteral", GoSignature.WithError(S, S, S), a => Replace((string)a[0]!, (string)a[1]!, Literal((string)a[2]!))),
        new("regexSplit", GoSignature.Of(S, S, I), a => Split(Compile((string)a[0]!, Mode.Panic)!, (string)a[0]!, (string)a[1]!, (long)a[2]!)),
        new("mustRegexSplit", GoSignature.WithError(S, S, I), a => Split(Compile((string)a[0]!, Mode.Error)!, (string)a[0]!, (string)a[1]!, (long)a[2]!)),
        new("regexQuoteMeta", GoSignature.Of(S), a => QuoteMeta((string)a[0]!)),
    ];

    private enum Mode
    {
        Quiet,
        Error,
        Panic,
    }

    private static Regex? Compile(string pattern, Mode mode)
    {
        try
        {
            return GoRegexp.Compile(pattern);
        }
        catch (ArgumentException)
        {
            switch (mode)
            {
                case Mode.Quiet:
                    return null;
                case Mode.Error:
                    GoRegexp.IsMatch(pattern, "");
                    break;
                default:
                    GoRegexp.ReplaceAll(pattern, "", "");
                    break;
            }
            throw new GoCallException("error parsing regexp");
        }
    }

    private static string Replace(string pattern, string s, string repl)
    {
        Compile(pattern, Mode.Error);
        return GoRegexp.ReplaceAll(pattern, repl, s);
    }

    /// <summary>A replacement with every $ doubled expands to itself (ReplaceAllLiteralString).</summary>
    private static string Literal(string repl) => repl.Replace("$", "$$", StringComparison.Ordinal);

    /// <summary>Go's allMatches: an empty match right after the previous match is skipped.</summary>
    private static List<(int Start, int End)> Matches(Regex re, string s, long n)
    {
        var result = new List<(int, int)>();
        var pos = 0;
        var prevEnd = -1;
        while (pos <= s.Length && (n < 0 || result.Count < n))
        {
            var m = re.Match(s, pos);
            if (!m.Success)
            {
                break;
            }
            var end = m.Index + m.Length;
            var accept = !(m.Length == 0 && m.Index == prevEnd);
            if (end == pos || m.Length == 0 && m.Index == pos)
            {
                pos += pos < s.Length && char.IsHighSurrogate(s[pos]) ? 2 : 1;
            }
            else
            {
                pos = end;
            }
            if (accept)
            {
                result.Add((m.Index, end));
                prevEnd = end;
            }
        }
        return result;
    }

    private static GoSlice FindAll(Regex re, string s, long n) =>
        GoSlice.Strings(n == 0 ? [] : Matches(re, s, n).Select(m => s[m.Start..m.End]));

    /// <summary>regexp.Split.</summary>
    private static GoSlice Split(Regex re, string pattern, string s, long n)
    {
        if (n == 0)
        {
            return GoSlice.Strings([]);
        }
        if (pattern.Length > 0 && s.Length == 0)
        {
            return GoSlice.Strings([""]);
        }
        var parts = new List<string>();
        int beg = 0, end = 0;
        foreach (var (start, stop) in Matches(re, s, n))
        {
            if (n > 0 && parts.Count == n - 1)
            {
                break;
            }
            end = start;
            if (stop != 0)
            {
                parts.Add(s[beg..end]);
            }
            beg = stop;
        }
        if (end != s.Length)
        {
            parts.Add(s[beg..]);
        }
        return GoSlice.Strings(parts);
    }

    /// <summary>regexp.QuoteMeta: a backslash before each of \.+*?()|[]{}^$.</summary>
    private static string QuoteMeta(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var c in s)
        {
            if (@"\.+*?()|[]{}^$".Contains(c, StringComparison.Ordinal))
            {
                sb.Append('\\');
            }
            sb.Append(c);
        }
        return sb.ToString();
    }
}
