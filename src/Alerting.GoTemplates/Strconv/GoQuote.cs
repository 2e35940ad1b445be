using System.Globalization;
using System.Text;

namespace Alerting.GoTemplates.Strconv;

/// <summary>Go's strconv quoting: Quote, QuoteRune, QuoteToASCII and unicode.IsPrint.</summary>
internal static class GoQuote
{
    public static string Quote(string s, bool ascii = false) => Quote(s, '"', ascii, graphicOnly: false);

    public static string Quote(string s, char quote, bool ascii, bool graphicOnly)
    {
        var sb = new StringBuilder(s.Length + 2);
        sb.Append(quote);
        foreach (var r in Runes(s))
        {
            AppendEscapedRune(sb, r, quote, ascii, graphicOnly);
        }
        sb.Append(quote);
        return sb.ToString();
    }

    /// <summary>strconv.QuoteRune: <c>'a'</c>, <c>'\n'</c>, <c>'☺'</c>.</summary>
    public static string QuoteRune(int r, bool ascii = false)
    {
        if (r is < 0 or > 0x10FFFF || r is >= 0xD800 and <= 0xDFFF)
        {
            r = 0xFFFD;
        }
        var sb = new StringBuilder(8);
        sb.Append('\'');
        AppendEscapedRune(sb, r, '\'', ascii, graphicOnly: false);
        sb.Append('\'');
        return sb.ToString();
    }

    public static void AppendEscapedRune(StringBuilder sb, int r, char quote, bool ascii, bool graphicOnly)
    {
        if (r == quote || r == '\\')
        {
            sb.Append('\\').Append((char)r);
            return;
        }
        if (ascii ? r < 0x80 && IsPrint(r) : IsPrint(r) || (graphicOnly && IsGraphic(r)))
        {
            sb.Append(char.ConvertFromUtf32(r));
            return;
        }
        switch (r)
        {
            case '\a': sb.Append(@"\a"); return;
            case '\b': sb.Append(@"\b"); return;
            case '\f': sb.Append(@"\f"); return;
            case '\n': sb.Append(@"\n"); return;
            case '\r': sb.Append(@"\r"); return;
            case '\t': sb.Append(@"\t"); return;
            case '\v': sb.Append(@"\v"); return;
        }
        if (r < ' ' || r == 0x7f)
        {
            sb.Append(@"\x").Append(r.ToString("x2", CultureInfo.InvariantCulture));
        }
        else if (r < 0x10000)
        {
            sb.Append(@"\u").Append(r.ToString("x4", CultureInfo.InvariantCulture));
        }
        else
        {
            sb.Append(@"\U").Append(r.ToString("x8", CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.</summary>
    public static bool IsPrint(int r)
    {
        if (r < 0x80)
        {
            return r is >= 0x20 and < 0x7f;
        }
        if (r is >= 0xD800 and <= 0xDFFF or > 0x10FFFF)
        {
            return false;
        }
        return CharUnicodeInfo.GetUnicodeCategory(r) switch
        {
            UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
                or UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
                or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned => false,
            _ => true,
        };
    }

    /// <summary>Go's unicode.IsGraphic: IsPrint plus the Unicode space separators.</summary>
    public static bool IsGraphic(int r) =>
        IsPrint(r) || (r >= 0x80 && r <= 0x10FFFF && r is < 0xD800 or > 0xDFFF
            && CharUnicodeInfo.GetUnicodeCategory(r) == UnicodeCategory.SpaceSeparator);

    /// <summary>The code points of a string; a lone surrogate reads as U+FFFD, as Go reads invalid UTF-8.</summary>
    public static IEnumerable<int> Runes(string s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                yield return char.ConvertToUtf32(c, s[i + 1]);
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                yield return 0xFFFD;
            }
            else
            {
                yield return c;
            }
        }
    }

    /// <summary>The rune at <paramref name="i"/> and its width in UTF-16 units.</summary>
    public static (int Rune, int Width) RuneAt(string s, int i)
    {
        var c = s[i];
        if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
        {
            return (char.ConvertToUtf32(c, s[i + 1]), 2);
        }
        return (char.IsSurrogate(c) ? 0xFFFD : c, 1);
    }

    public static int RuneCount(string s)
    {
        var n = 0;
        for (var i = 0; i < s.Length; i += RuneAt(s, i).Width)
        {
            n++;
        }
        return n;
    }

    /// <summary>The UTF-8 length of a string, as Go's len.</summary>
    public static int Utf8Length(string s) => Encoding.UTF8.GetByteCount(s);
}
