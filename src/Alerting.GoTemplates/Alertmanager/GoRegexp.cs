using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;
using Alerting.GoTemplates.Values;

namespace Alerting.GoTemplates.Alertmanager;

/// <summary>
/// Go's regexp (RE2 syntax) on .NET's engine: the syntax is translated (ASCII \d \w \s, POSIX classes, \pL,
/// (?P&lt;name&gt;), $ as end of text), RE2's unsupported constructs are refused, and ReplaceAllString
/// expands $name and ${name} and treats empty matches as Go does.
/// </summary>
internal static class GoRegexp
{
    private static readonly ConcurrentDictionary<string, Regex> Cache = new(StringComparer.Ordinal);
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

    private static readonly Dictionary<string, string> PosixClasses = new(StringComparer.Ordinal)
    {
        ["alnum"] = "0-9A-Za-z",
        ["alpha"] = "A-Za-z",
        ["ascii"] = "\\x00-\\x7F",
        ["blank"] = "\\t ",
        ["cntrl"] = "\\x00-\\x1F\\x7F",
        ["digit"] = "0-9",
        ["graph"] = "!-~",
        ["lower"] = "a-z",
        ["print"] = " -~",
        ["punct"] = "!-/:-@\\[-`{-~",
        ["space"] = "\\t\\n\\v\\f\\r ",
        ["upper"] = "A-Z",
        ["word"] = "0-9A-Za-z_",
        ["xdigit"] = "0-9A-Fa-f",
    };

    /// <summary>Compiles or throws <see cref="GoCallException"/> with Go's "error parsing regexp: ..." text.</summary>
    public static Regex Compile(string pattern)
    {
        if (Cache.TryGetValue(pattern, out var cached))
        {
            return cached;
        }
        var regex = new Regex(Translate(pattern), RegexOptions.CultureInvariant, MatchTimeout);
        if (Cache.Count < 1000)
        {
            Cache[pattern] = regex;
        }
        return regex;
    }

    public static bool IsMatch(string pattern, string s)
    {
        try
        {
            return Compile(pattern).IsMatch(s);
        }
        catch (ArgumentException e)
        {
            throw new GoCallException("error parsing regexp: " + Describe(e, pattern));
        }
    }

    /// <summary>regexp.MustCompile(pattern).ReplaceAllString(text, repl); a bad pattern panics as in Go.</summary>
    public static string ReplaceAll(string pattern, string repl, string text)
    {
        Regex re;
        try
        {
            re = Compile(pattern);
        }
        catch (ArgumentException e)
        {
            throw new GoCallException($"regexp: Compile({QuoteForCompile(pattern)}): error parsing regexp: {Describe(e, pattern)}");
        }
        var sb = new StringBuilder();
        var lastMatchEnd = 0;
        var searchPos = 0;
        while (searchPos <= text.Length)
        {
            var m = re.Match(text, searchPos);
            if (!m.Success)
            {
                break;
            }
            sb.Append(text, lastMatchEnd, m.Index - lastMatchEnd);
            var end = m.Index + m.Length;
            if (end > lastMatchEnd || m.Index == 0)
            {
                Expand(sb, re, repl, m);
            }
            lastMatchEnd = end;
            var width = searchPos < text.Length ? (char.IsHighSurrogate(text[searchPos]) ? 2 : 1) : 0;
            if (searchPos + width > end)
            {
                searchPos += width;
            }
            else if (searchPos + 1 > end)
            {
                searchPos++;
            }
            else
            {
                searchPos = end;
            }
        }
        sb.Append(text, lastMatchEnd, text.Length - lastMatchEnd);
        return sb.ToString();
    }

    private static void Expand(StringBuilder sb, Regex re, string template, Match m)
    {
        var i = 0;
        while (i < template.Length)
        {
            var dollar = template.IndexOf('$', i);
            if (dollar < 0)
            {
                break;
            }
            sb.Append(template, i, dollar - i);
            i = dollar + 1;
            if (i < template.Length && template[i] == '$')
            {
                sb.Append('$');
                i++;
                continue;
            }
            if (!Extract(template, ref i, out var name))
            {
                sb.Append('$');
                continue;
            }
            var group = int.TryParse(name, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var num)
                ? (num < m.Groups.Count ? m.Groups[num] : null)
                : re.GetGroupNumbers().Select(n => m.Groups[n]).FirstOrDefault(g => g.Name == name);
            if (group is { Success: true })
            {
                sb.Append(group.Value);
            }
        }
        sb.Append(template, i, template.Length - i);
    }

    private static bool Extract(string t, ref int i, out string name)
    {
        name = "";
        var start = i;
        var brace = i < t.Length && t[i] == '{';
        if (brace)
        {
            start++;
        }
        var j = start;
        while (j < t.Length && (char.IsAsciiLetterOrDigit(t[j]) || t[j] == '_'))
        {
            j++;
        }
        if (j == start)
        {
            return false;
        }
        name = t[start..j];
        if (brace)
        {
            if (j >= t.Length || t[j] != '}')
            {
                return false;
            }
            j++;
        }
        i = j;
        return true;
    }

    // regexp's quote: backquoted when it can be.
    private static string QuoteForCompile(string s) =>
        s.Contains('`', StringComparison.Ordinal) || s.Any(c => c < ' ' && c != '\t') ? Strconv.GoQuote.Quote(s) : "`" + s + "`";

    /// <summary>Go's regexp/syntax error text for the .NET parse errors that have a Go counterpart.</summary>
    private static string Describe(ArgumentException e, string pattern)
    {
        if (e is not RegexParseException p)
        {
            return e.Message;
        }
        var at = Math.Clamp(p.Offset - 1, 0, Math.Max(pattern.Length - 1, 0));
        return p.Error switch
        {
            RegexParseError.InsufficientClosingParentheses => $"missing closing ): `{pattern}`",
            RegexParseError.InsufficientOpeningParentheses => $"unexpected ): `{pattern}`",
            RegexParseError.UnterminatedBracket => $"missing closing ]: `{pattern[Math.Max(pattern.LastIndexOf('['), 0)..]}`",
            RegexParseError.QuantifierAfterNothing => $"missing argument to repetition operator: `{pattern[at]}`",
            RegexParseError.NestedQuantifiersNotParenthesized => $"invalid nested repetition operator: `{pattern.Substring(Math.Max(at - 1, 0), Math.Min(2, pattern.Length))}`",
            RegexParseError.UnescapedEndingBackslash => "trailing backslash at end of expression: ``",
            RegexParseError.ReversedCharacterRange => $"invalid character class range: `{pattern.Substring(Math.Max(at - 2, 0), Math.Min(3, pattern.Length))}`",
            _ => $"{p.Error} at offset {p.Offset}",
        };
    }

    private static string Translate(string p)
    {
        var multiline = false;
        var sb = new StringBuilder(p.Length + 8);
        var inClass = false;
        for (var i = 0; i < p.Length; i++)
        {
            var c = p[i];
            if (c == '\\' && i + 1 < p.Length)
            {
                var n = p[i + 1];
                i++;
                switch (n)
                {
                    case 'd': sb.Append(inClass ? "0-9" : "[0-9]"); break;
                    case 'D': sb.Append(inClass ? "\\D" : "[^0-9]"); break;
                    case 'w': sb.Append(inClass ? "0-9A-Za-z_" : "[0-9A-Za-z_]"); break;
                    case 'W': sb.Append(inClass ? "\\W" : "[^0-9A-Za-z_]"); break;
                    case 's': sb.Append(inClass ? "\\t\\n\\f\\r " : "[\\t\\n\\f\\r ]"); break;
                    case 'S': sb.Append(inClass ? "\\S" : "[^\\t\\n\\f\\r ]"); break;
                    case 'p' or 'P' when i + 1 < p.Length && p[i + 1] != '{':
                        sb.Append('\\').Append(n).Append('{').Append(p[i + 1]).Append('}');
                        i++;
                        break;
                    case >= '1' and <= '9':
                        throw new ArgumentException($"invalid escape sequence: `\\{n}`");
                    default:
                        sb.Append('\\').Append(n);
                        break;
                }
                continue;
            }
            if (inClass)
            {
                if (c == '[' && i + 1 < p.Length && p[i + 1] == ':')
                {
                    var close = p.IndexOf(":]", i + 2, StringComparison.Ordinal);
                    var negated = i + 2 < p.Length && p[i + 2] == '^';
                    var name = close > 0 ? p[(i + (negated ? 3 : 2))..close] : "";
                    if (close > 0 && PosixClasses.TryGetValue(name, out var range) && !negated)
                    {
                        sb.Append(range);
                        i = close + 1;
                        continue;
                    }
                }
                if (c == ']' && sb.Length > 0 && sb[^1] != '[' && !(sb.Length > 1 && sb[^1] == '^' && sb[^2] == '['))
                {
                    inClass = false;
                }
                sb.Append(c == '[' ? "\\[" : c.ToString());
                continue;
            }
            switch (c)
            {
                case '[':
                    inClass = true;
                    sb.Append(c);
                    if (i + 1 < p.Length && p[i + 1] == '^')
                    {
                        sb.Append('^');
                        i++;
                    }
                    if (i + 1 < p.Length && p[i + 1] == ']')
                    {
                        sb.Append("\\]");
                        i++;
                    }
                    break;
                case '(' when i + 2 < p.Length && p[i + 1] == '?':
                    if (p[i + 2] == 'P' && i + 3 < p.Length && p[i + 3] == '<')
                    {
                        sb.Append("(?<");
                        i += 3;
                        break;
                    }
                    if (p[i + 2] is '=' or '!' || (p[i + 2] == '<' && i + 3 < p.Length && p[i + 3] is '=' or '!'))
                    {
                        var len = p[i + 2] == '<' ? 4 : 3;
                        throw new ArgumentException($"invalid or unsupported Perl syntax: `{p.Substring(i, len)}`");
                    }
                    var flagsEnd = i + 2;
                    while (flagsEnd < p.Length && p[flagsEnd] is 'i' or 'm' or 's' or 'U' or '-')
                    {
                        multiline |= p[flagsEnd] == 'm';
                        flagsEnd++;
                    }
                    sb.Append(c);
                    break;
                case '$':
                    sb.Append(multiline ? "(?=\\n|\\z)" : "\\z");
                    break;
                default:
                    sb.Append(c);
                    break;
            }
        }
        return sb.ToString();
    }
}
