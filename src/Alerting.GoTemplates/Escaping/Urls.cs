using System.Text;

namespace Alerting.GoTemplates.Escaping;

/// <summary>html/template's URL filter, normalizer, escaper and srcset filter.</summary>
internal static class Urls
{
    public static bool IsSafe(string s)
    {
        var colon = s.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0 && !s[..colon].Contains('/', StringComparison.Ordinal))
        {
            var protocol = s[..colon];
            return protocol.Equals("http", StringComparison.OrdinalIgnoreCase) || protocol.Equals("https", StringComparison.OrdinalIgnoreCase)
                || protocol.Equals("mailto", StringComparison.OrdinalIgnoreCase);
        }
        return true;
    }

    public static string Process((string Text, ContentType Type) value, bool norm)
    {
        var (s, t) = value;
        if (t == ContentType.Url)
        {
            norm = true;
        }
        var sb = new StringBuilder(s.Length + 16);
        return ProcessOnto(s, norm, sb) ? sb.ToString() : s;
    }

    /// <summary>Appends the normalised URL; false when nothing needed encoding.</summary>
    private static bool ProcessOnto(string s, bool norm, StringBuilder b)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        var changed = false;
        var start = b.Length;
        for (var i = 0; i < bytes.Length; i++)
        {
            var c = (char)bytes[i];
            var keep = c switch
            {
                '!' or '#' or '$' or '&' or '*' or '+' or ',' or '/' or ':' or ';' or '=' or '?' or '@' or '[' or ']' => norm,
                '-' or '.' or '_' or '~' => true,
                '%' => norm && i + 2 < bytes.Length && Uri.IsHexDigit((char)bytes[i + 1]) && Uri.IsHexDigit((char)bytes[i + 2]),
                _ => char.IsAsciiLetterOrDigit(c),
            };
            if (keep)
            {
                continue;
            }
            changed = true;
        }
        if (!changed)
        {
            b.Append(s);
            return false;
        }
        var raw = new List<byte>(bytes.Length + 16);
        for (var i = 0; i < bytes.Length; i++)
        {
            var c = (char)bytes[i];
            var keep = c switch
            {
                '!' or '#' or '$' or '&' or '*' or '+' or ',' or '/' or ':' or ';' or '=' or '?' or '@' or '[' or ']' => norm,
                '-' or '.' or '_' or '~' => true,
                '%' => norm && i + 2 < bytes.Length && Uri.IsHexDigit((char)bytes[i + 1]) && Uri.IsHexDigit((char)bytes[i + 2]),
                _ => char.IsAsciiLetterOrDigit(c),
            };
            if (keep)
            {
                raw.Add(bytes[i]);
            }
            else
            {
                raw.AddRange(Encoding.ASCII.GetBytes("%" + bytes[i].ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
            }
        }
        b.Length = start;
        b.Append(Encoding.UTF8.GetString([.. raw]));
        return true;
    }

    public static string Srcset((string Text, ContentType Type) value)
    {
        var (s, t) = value;
        if (t == ContentType.Srcset)
        {
            return s;
        }
        if (t == ContentType.Url)
        {
            var sb = new StringBuilder();
            if (ProcessOnto(s, true, sb))
            {
                s = sb.ToString();
            }
            return s.Replace(",", "%2c", StringComparison.Ordinal);
        }
        var b = new StringBuilder();
        var written = 0;
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == ',')
            {
                FilterElement(s, written, i, b);
                b.Append(',');
                written = i + 1;
            }
        }
        FilterElement(s, written, s.Length, b);
        return b.ToString();
    }

    private static bool IsHtmlSpace(char c) => c is '\t' or '\n' or '\f' or '\r' or ' ';

    private static void FilterElement(string s, int left, int right, StringBuilder b)
    {
        var start = left;
        while (start < right && IsHtmlSpace(s[start]))
        {
            start++;
        }
        var end = right;
        for (var i = start; i < right; i++)
        {
            if (IsHtmlSpace(s[i]))
            {
                end = i;
                break;
            }
        }
        var url = s[start..end];
        if (IsSafe(url) && s[end..right].All(c => IsHtmlSpace(c) || (c < 0x80 && char.IsAsciiLetterOrDigit(c))))
        {
            b.Append(s, left, start - left);
            ProcessOnto(url, true, b);
            b.Append(s, end, right - end);
            return;
        }
        b.Append("#ZgotmplZ");
    }
}
