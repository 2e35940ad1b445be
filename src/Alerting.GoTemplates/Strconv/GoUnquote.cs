using System.Text;

namespace Alerting.GoTemplates.Strconv;

/// <summary>Go's strconv.Unquote and UnquoteChar. Bytes written with \x or octal escapes are decoded as UTF-8.</summary>
internal static class GoUnquote
{
    public const string SyntaxError = "invalid syntax";

    /// <summary>Unquotes a Go "..." , `...` or '...' literal; null when the syntax is invalid.</summary>
    public static string? Unquote(string s)
    {
        if (s.Length < 2)
        {
            return null;
        }
        var quote = s[0];
        if (quote != s[^1])
        {
            return null;
        }
        var body = s[1..^1];
        if (quote == '`')
        {
            if (body.Contains('`', StringComparison.Ordinal))
            {
                return null;
            }
            // Go discards carriage returns in raw strings.
            return body.Contains('\r', StringComparison.Ordinal) ? body.Replace("\r", "", StringComparison.Ordinal) : body;
        }
        if (quote != '"' && quote != '\'')
        {
            return null;
        }
        if (body.Contains('\n', StringComparison.Ordinal))
        {
            return null;
        }
        if (!body.Contains('\\', StringComparison.Ordinal) && !body.Contains(quote, StringComparison.Ordinal))
        {
            if (quote == '"')
            {
                return body;
            }
            return GoQuote.RuneCount(body) == 1 ? body : null;
        }
        var bytes = new List<byte>(body.Length);
        var rest = body;
        var count = 0;
        while (rest.Length > 0)
        {
            if (!UnquoteChar(rest, quote, out var value, out var multibyte, out var tail))
            {
                return null;
            }
            rest = tail;
            count++;
            if (value < 0x80 || !multibyte)
            {
                bytes.Add((byte)value);
            }
            else
            {
                AppendRune(bytes, value);
            }
            if (quote == '\'' && rest.Length > 0)
            {
                return null;
            }
        }
        if (quote == '\'' && count != 1)
        {
            return null;
        }
        return Encoding.UTF8.GetString([.. bytes]);
    }

    private static void AppendRune(List<byte> bytes, int value)
    {
        Span<byte> buf = stackalloc byte[4];
        if (!new Rune(value is >= 0xD800 and <= 0xDFFF or > 0x10FFFF ? 0xFFFD : value).TryEncodeToUtf8(buf, out var n))
        {
            n = 0;
        }
        foreach (var b in buf[..n])
        {
            bytes.Add(b);
        }
    }

    /// <summary>
    /// Go's UnquoteChar. <paramref name="multibyte"/> is false for a single byte value written as \x or octal
    /// (it may not be valid UTF-8 on its own), true for a code point.
    /// </summary>
    public static bool UnquoteChar(string s, char quote, out int value, out bool multibyte, out string tail)
    {
        value = 0;
        multibyte = false;
        tail = "";
        if (s.Length == 0)
        {
            return false;
        }
        var c = s[0];
        if (c == quote && (quote == '\'' || quote == '"'))
        {
            return false;
        }
        if (c != '\\')
        {
            var (r, w) = GoQuote.RuneAt(s, 0);
            value = r;
            multibyte = true;
            tail = s[w..];
            return true;
        }
        if (s.Length <= 1)
        {
            return false;
        }
        c = s[1];
        s = s[2..];
        switch (c)
        {
            case 'a': value = '\a'; break;
            case 'b': value = '\b'; break;
            case 'f': value = '\f'; break;
            case 'n': value = '\n'; break;
            case 'r': value = '\r'; break;
            case 't': value = '\t'; break;
            case 'v': value = '\v'; break;
            case 'x' or 'u' or 'U':
                var n = c == 'x' ? 2 : c == 'u' ? 4 : 8;
                if (s.Length < n)
                {
                    return false;
                }
                var v = 0;
                for (var j = 0; j < n; j++)
                {
                    var d = HexDigit(s[j]);
                    if (d < 0)
                    {
                        return false;
                    }
                    v = (v << 4) | d;
                }
                s = s[n..];
                if (c == 'x')
                {
                    value = v;
                    break;
                }
                if (v is > 0x10FFFF or >= 0xD800 and <= 0xDFFF)
                {
                    return false;
                }
                value = v;
                multibyte = true;
                break;
            case >= '0' and <= '7':
                var o = c - '0';
                if (s.Length < 2)
                {
                    return false;
                }
                for (var j = 0; j < 2; j++)
                {
                    var d = s[j] - '0';
                    if (d is < 0 or > 7)
                    {
                        return false;
                    }
                    o = (o << 3) | d;
                }
                s = s[2..];
                if (o > 255)
                {
                    return false;
                }
                value = o;
                break;
            case '\\': value = '\\'; break;
            case '\'' or '"':
                if (c != quote)
                {
                    return false;
                }
                value = c;
                break;
            default:
                return false;
        }
        tail = s;
        return true;
    }

    private static int HexDigit(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };
}
