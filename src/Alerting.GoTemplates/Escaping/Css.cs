using System.Globalization;
using System.Text;

namespace Alerting.GoTemplates.Escaping;

/// <summary>html/template's CSS helpers: escapes, the value filter and escape decoding.</summary>
internal static class Css
{
    private const string Failsafe = "ZgotmplZ";

    public static bool EndsWithKeyword(string b, string kw)
    {
        var i = b.Length - kw.Length;
        if (i < 0)
        {
            return false;
        }
        if (i != 0 && IsNmchar(b[i - 1]))
        {
            return false;
        }
        return string.Equals(b[i..], kw, StringComparison.OrdinalIgnoreCase);
    }

    public static bool IsNmchar(char r) =>
        r is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '-' or '_' || r >= 0x80;

    /// <summary>Decodes CSS escapes (\hex and \char).</summary>
    public static string Decode(string s)
    {
        if (!s.Contains('\\', StringComparison.Ordinal))
        {
            return s;
        }
        var sb = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] != '\\' || i + 1 >= s.Length)
            {
                sb.Append(s[i]);
                continue;
            }
            var j = i + 1;
            var hex = 0;
            while (j < s.Length && hex < 6 && Uri.IsHexDigit(s[j]))
            {
                j++;
                hex++;
            }
            if (hex == 0)
            {
                sb.Append(s[i + 1]);
                i++;
                continue;
            }
            var r = int.Parse(s.AsSpan(i + 1, hex), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            sb.Append(r is > 0x10FFFF or 0 or >= 0xD800 and <= 0xDFFF ? "\uFFFD" : char.ConvertFromUtf32(r));
            if (j < s.Length && s[j] is ' ' or '\t' or '\n' or '\f' or '\r')
            {
                j++;
            }
            i = j - 1;
        }
        return sb.ToString();
    }

    public static string Escape(string s)
    {
        var sb = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            var repl = s[i] switch
            {
                '\0' => "\\0",
                '\t' => "\\9",
                '\n' => "\\a",
                '\f' => "\\c",
                '\r' => "\\d",
                '"' => "\\22",
                '&' => "\\26",
                '\'' => "\\27",
                '(' => "\\28",
                ')' => "\\29",
                '+' => "\\2b",
                '/' => "\\2f",
                ':' => "\\3a",
                ';' => "\\3b",
                '<' => "\\3c",
                '>' => "\\3e",
                '\\' => "\\\\",
                '{' => "\\7b",
                '}' => "\\7d",
                _ => null,
            };
            if (repl is null)
            {
                sb.Append(s[i]);
                continue;
            }
            sb.Append(repl);
            if (repl != "\\\\" && (i + 1 == s.Length || Uri.IsHexDigit(s[i + 1]) || s[i + 1] is ' ' or '\t' or '\n' or '\f' or '\r'))
            {
                sb.Append(' ');
            }
        }
        return sb.ToString();
    }

    public static string ValueFilter(string s)
    {
        var b = Decode(s);
        var id = new StringBuilder();
        for (var i = 0; i < b.Length; i++)
        {
            var c = b[i];
            switch (c)
            {
                case '\0' or '"' or '\'' or '(' or ')' or '/' or ';' or '@' or '[' or '\\' or ']' or '`' or '{' or '}' or '<' or '>':
                    return Failsafe;
                case '-':
                    if (i != 0 && b[i - 1] == '-')
                    {
                        return Failsafe;
                    }
                    id.Append(c);
                    break;
                default:
                    if (c < 0x80 && IsNmchar(c))
                    {
                        id.Append(c);
                    }
                    break;
            }
        }
        var lower = id.ToString().ToLowerInvariant();
        return lower.Contains("expression", StringComparison.Ordinal) || lower.Contains("mozbinding", StringComparison.Ordinal) ? Failsafe : b;
    }
}
