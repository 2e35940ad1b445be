using System.Text;
using System.Text.RegularExpressions;

namespace Alerting.Core.Matching;

/// <summary>
/// Alertmanager's classic matcher syntax (pkg/labels/parse.go, the only one in 0.25): <c>{a="b", c=~"d.*"}</c>, the
/// bare form amtool sends (<c>a=b</c>), quoted and unquoted values, escapes <c>\"</c> <c>\n</c> <c>\\</c>. Which parser
/// a caller gets is <see cref="MatcherSyntax"/>'s choice.
/// </summary>
public static partial class MatcherParser
{
    // '=~' before '=' so that '=~' is not read as '=' followed by a value starting with '~'. Go's \s is ASCII only.
    [GeneratedRegex(@"^[\t\n\f\r ]*([a-zA-Z_:][a-zA-Z0-9_:]*)[\t\n\f\r ]*(=~|=|!=|!~)[\t\n\f\r ]*((?s).*?)[\t\n\f\r ]*$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex MatcherPattern();

    /// <summary>Parses a list of matchers; throws <see cref="MatcherException"/> with the offending part.</summary>
    public static Matchers ParseList(string s)
    {
        var trimmed = s;
        if (trimmed.StartsWith('{'))
        {
            trimmed = trimmed[1..];
        }
        if (trimmed.EndsWith('}'))
        {
            trimmed = trimmed[..^1];
        }

        var tokens = new List<string>();
        var token = new StringBuilder();
        bool insideQuotes = false, escaped = false;
        foreach (var c in trimmed)
        {
            switch (c)
            {
                case ',' when !insideQuotes:
                    tokens.Add(token.ToString());
                    token.Clear();
                    continue;
                case '"':
                    if (!escaped)
                    {
                        insideQuotes = !insideQuotes;
                    }
                    else
                    {
                        escaped = false;
                    }
                    break;
                case '\\':
                    escaped = !escaped;
                    break;
                default:
                    escaped = false;
                    break;
            }
            token.Append(c);
        }
        var last = token.ToString().Trim();
        if (last.Length > 0)
        {
            tokens.Add(last);
        }

        return new Matchers([.. tokens.Select(Parse)]);
    }

    /// <summary>Parses one matcher such as <c>severity=~"crit.*"</c>.</summary>
    public static Matcher Parse(string s)
    {
        Match m;
        try
        {
            m = MatcherPattern().Match(s);
        }
        catch (RegexMatchTimeoutException)
        {
            throw new MatcherException($"bad matcher format: {Truncate(s)}");
        }
        if (!m.Success)
        {
            throw new MatcherException($"bad matcher format: {Truncate(s)}");
        }

        var raw = m.Groups[3].Value;
        var expectTrailingQuote = false;
        if (raw.StartsWith('"'))
        {
            raw = raw[1..];
            expectTrailingQuote = true;
        }

        var value = new StringBuilder(raw.Length);
        var escaped = false;
        for (var i = 0; i < raw.Length; i++)
        {
            var c = raw[i];
            if (escaped)
            {
                escaped = false;
                switch (c)
                {
                    case 'n': value.Append('\n'); break;
                    case '"' or '\\': value.Append(c); break;
                    default: value.Append('\\').Append(c); break; // a spurious escape keeps its backslash
                }
                continue;
            }
            switch (c)
            {
                case '\\':
                    if (i < raw.Length - 1)
                    {
                        escaped = true;
                        continue;
                    }
                    value.Append('\\');
                    break;
                case '"':
                    if (!expectTrailingQuote || i < raw.Length - 1)
                    {
                        throw new MatcherException($"matcher value contains unescaped double quote: {Truncate(m.Groups[3].Value)}");
                    }
                    expectTrailingQuote = false;
                    break;
                default:
                    value.Append(c);
                    break;
            }
        }
        if (expectTrailingQuote)
        {
            throw new MatcherException($"matcher value contains unescaped double quote: {Truncate(m.Groups[3].Value)}");
        }

        var type = m.Groups[2].Value switch
        {
            "=" => MatchType.Equal,
            "!=" => MatchType.NotEqual,
            "=~" => MatchType.Regexp,
            _ => MatchType.NotRegexp,
        };
        return Matcher.Create(type, m.Groups[1].Value, value.ToString());
    }

    private static string Truncate(string s) => s.Length <= 200 ? s : s[..200] + "…";
}
