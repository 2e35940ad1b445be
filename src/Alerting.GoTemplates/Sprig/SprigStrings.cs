using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Alerting.GoTemplates.Formatting;
using Alerting.GoTemplates.Strconv;
using Alerting.GoTemplates.Values;

namespace Alerting.GoTemplates.Sprig;

/// <summary>sprig's string functions (strings.go, Masterminds/goutils) with Go's byte-indexed strings.</summary>
internal static class SprigStrings
{
    private static readonly GoType S = GoTypes.String;
    private static readonly GoType I = GoTypes.Int;
    private static readonly GoType A = GoTypes.Any;
    private static readonly GoType As = GoTypes.AnySlice;

    public static IEnumerable<GoFunc> Functions() =>
    [
        new("hello", GoSignature.Of(), _ => "Hello!"),
        new("abbrev", GoSignature.Of(I, S), a => Abbrev((int)(long)a[0]!, Str(a[1]))),
        new("abbrevboth", GoSignature.Of(I, I, S), a => AbbrevBoth((int)(long)a[0]!, (int)(long)a[1]!, Str(a[2]))),
        new("trunc", GoSignature.Of(I, S), a => Trunc((long)a[0]!, Str(a[1]))),
        new("trim", GoSignature.Of(S), a => Str(a[0]).Trim()),
        new("upper", GoSignature.Of(S), a => Str(a[0]).ToUpperInvariant()),
        new("lower", GoSignature.Of(S), a => Str(a[0]).ToLowerInvariant()),
        new("title", GoSignature.Of(S), a => Title(Str(a[0]))),
        new("untitle", GoSignature.Of(S), a => Untitle(Str(a[0]))),
        new("substr", GoSignature.Of(I, I, S), a => Substr((long)a[0]!, (long)a[1]!, Str(a[2]))),
        new("repeat", GoSignature.Of(I, S), a => Repeat((long)a[0]!, Str(a[1]))),
        new("trimall", GoSignature.Of(S, S), a => Str(a[1]).Trim(Str(a[0]).ToCharArray())),
        new("trimAll", GoSignature.Of(S, S), a => Str(a[1]).Trim(Str(a[0]).ToCharArray())),
        new("trimSuffix", GoSignature.Of(S, S), a => Str(a[1]).EndsWith(Str(a[0]), StringComparison.Ordinal) ? Str(a[1])[..^Str(a[0]).Length] : Str(a[1])),
        new("trimPrefix", GoSignature.Of(S, S), a => Str(a[1]).StartsWith(Str(a[0]), StringComparison.Ordinal) ? Str(a[1])[Str(a[0]).Length..] : Str(a[1])),
        new("nospace", GoSignature.Of(S), a => string.Concat(Str(a[0]).Where(c => !char.IsWhiteSpace(c)))),
        new("initials", GoSignature.Of(S), a => Initials(Str(a[0]))),
        new("randAlphaNum", GoSignature.Of(I), a => Random((long)a[0]!, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")),
        new("randAlpha", GoSignature.Of(I), a => Random((long)a[0]!, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")),
        new("randAscii", GoSignature.Of(I), a => Random((long)a[0]!, string.Concat(Enumerable.Range(32, 95).Select(c => (char)c)))),
        new("randNumeric", GoSignature.Of(I), a => Random((long)a[0]!, "0123456789")),
        new("swapcase", GoSignature.Of(S), a => SwapCase(Str(a[0]))),
        new("shuffle", GoSignature.Of(S), a => Shuffle(Str(a[0]))),
        new("snakecase", GoSignature.Of(S), a => SprigCase.Snake(Str(a[0]), '_')),
        new("kebabcase", GoSignature.Of(S), a => SprigCase.Snake(Str(a[0]), '-')),
        new("camelcase", GoSignature.Of(S), a => SprigCase.Camel(Str(a[0]))),
        new("wrap", GoSignature.Of(I, S), a => Wrap(Str(a[1]), (int)(long)a[0]!, "\n", false)),
        new("wrapWith", GoSignature.Of(I, S, S), a => Wrap(Str(a[2]), (int)(long)a[0]!, Str(a[1]), true)),
        new("contains", GoSignature.Of(S, S), a => Str(a[1]).Contains(Str(a[0]), StringComparison.Ordinal)),
        new("hasPrefix", GoSignature.Of(S, S), a => Str(a[1]).StartsWith(Str(a[0]), StringComparison.Ordinal)),
        new("hasSuffix", GoSignature.Of(S, S), a => Str(a[1]).EndsWith(Str(a[0]), StringComparison.Ordinal)),
        new("quote", GoSignature.VariadicOf(As), a => string.Join(" ", a.Where(v => v is not null).Select(v => GoQuote.Quote(SprigValues.Strval(v))))),
        new("squote", GoSignature.VariadicOf(As), a => string.Join(" ", a.Where(v => v is not null).Select(v => "'" + GoFmt.Sprint([v]) + "'"))),
        new("cat", GoSignature.VariadicOf(As), a => string.Join(" ", a.Where(v => v is not null).Select(v => GoFmt.Sprint([v])))),
        new("indent", GoSignature.Of(I, S), a => Indent((long)a[0]!, Str(a[1]))),
        new("nindent", GoSignature.Of(I, S), a => "\n" + Indent((long)a[0]!, Str(a[1]))),
        new("replace", GoSignature.Of(S, S, S), a => Replace(Str(a[2]), Str(a[0]), Str(a[1]))),
        new("plural", GoSignature.Of(S, S, I), a => (long)a[2]! == 1 ? Str(a[0]) : Str(a[1])),
        new("toString", GoSignature.Of(A), a => SprigValues.Strval(a[0])),
        new("split", GoSignature.Of(S, S), a => Parts(Split(Str(a[1]), Str(a[0]), -1))),
        new("splitList", GoSignature.Of(S, S), a => GoSlice.Strings(Split(Str(a[1]), Str(a[0]), -1))),
        new("splitn", GoSignature.Of(S, I, S), a => Parts(Split(Str(a[2]), Str(a[0]), (long)a[1]!))),
        new("toStrings", GoSignature.Of(A), a => SprigValues.Strslice(a[0])),
        new("join", GoSignature.Of(S, A), a => string.Join(Str(a[0]), SprigValues.Strslice(a[1]).Items.Cast<string>())),
        new("sortAlpha", GoSignature.Of(A), a => SortAlpha(a[0])),
    ];

    private static string Str(object? v) => GoTypes.TryString(v, out var s) ? s : "";

    /// <summary>goutils.Abbreviate: at most width bytes, "..." at the end; widths under 4 leave the text alone.</summary>
    internal static string Abbrev(int width, string s) => width < 4 ? s : AbbreviateFull(s, 0, width);

    internal static string AbbrevBoth(int left, int right, string s) =>
        right < 4 || (left > 0 && right < 7) ? s : AbbreviateFull(s, left, right);

    private static string AbbreviateFull(string str, int offset, int maxWidth)
    {
        if (str.Length == 0)
        {
            return "";
        }
        var b = SprigValues.Bytes(str);
        if (b.Length <= maxWidth)
        {
            return str;
        }
        offset = Math.Min(offset, b.Length);
        if (b.Length - offset < maxWidth - 3)
        {
            offset = b.Length - (maxWidth - 3);
        }
        if (offset <= 4)
        {
            return SprigValues.FromBytes(b, 0, maxWidth - 3) + "...";
        }
        if (offset + maxWidth - 3 < b.Length)
        {
            return "..." + AbbreviateFull(SprigValues.FromBytes(b, offset, b.Length - offset), 0, maxWidth - 3);
        }
        return "..." + SprigValues.FromBytes(b, b.Length - (maxWidth - 3), maxWidth - 3);
    }

    /// <summary>The first c bytes, or for a negative c the last -c bytes.</summary>
    internal static string Trunc(long c, string s)
    {
        var b = SprigValues.Bytes(s);
        if (c < 0 && b.Length + c > 0)
        {
            return SprigValues.FromBytes(b, (int)(b.Length + c), (int)-c);
        }
        return c >= 0 && b.Length > c ? SprigValues.FromBytes(b, 0, (int)c) : s;
    }

    /// <summary>s[start:end] in bytes; a negative start means from 0, an end past the string or negative means to its end.</summary>
    internal static string Substr(long start, long end, string s)
    {
        var b = SprigValues.Bytes(s);
        if (start < 0)
        {
            return end > b.Length || end < 0 ? throw OutOfRange($"[:{end}] with length {b.Length}") : SprigValues.FromBytes(b, 0, (int)end);
        }
        if (end < 0 || end > b.Length)
        {
            return start > b.Length ? throw OutOfRange($"[{start}:{b.Length}]") : SprigValues.FromBytes(b, (int)start, (int)(b.Length - start));
        }
        if (start > end)
        {
            throw OutOfRange($"[{start}:{end}]");
        }
        return SprigValues.FromBytes(b, (int)start, (int)(end - start));
    }

    private static GoCallException OutOfRange(string bounds) => new("runtime error: slice bounds out of range " + bounds);

    private static string Repeat(long count, string s) =>
        count < 0 ? throw new GoCallException("strings: negative Repeat count")
        : (long)s.Length * count > 1 << 24 ? throw new GoCallException("strings: Repeat output length overflow")
        : string.Concat(Enumerable.Repeat(s, (int)count));

    /// <summary>strings.Title: the first letter of each word upper case, the rest untouched.</summary>
    internal static string Title(string s)
    {
        var sb = new StringBuilder(s.Length);
        var prev = ' ';
        foreach (var r in s)
        {
            sb.Append(IsSeparator(prev) ? char.ToUpperInvariant(r) : r);
            prev = r;
        }
        return sb.ToString();

        static bool IsSeparator(char r) =>
            r <= 0x7F ? !(char.IsAsciiLetterOrDigit(r) || r == '_') : !(char.IsLetter(r) || char.IsDigit(r)) && char.IsWhiteSpace(r);
    }

    /// <summary>goutils.Uncapitalize: the first letter of each whitespace-separated word lower case.</summary>
    private static string Untitle(string s)
    {
        var chars = s.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (i == 0 || char.IsWhiteSpace(chars[i - 1]))
            {
                chars[i] = char.ToLowerInvariant(chars[i]);
            }
        }
        return new string(chars);
    }

    /// <summary>goutils.Initials: the first letter of each whitespace-separated word.</summary>
    private static string Initials(string s)
    {
        var sb = new StringBuilder();
        var last = true;
        foreach (var c in s)
        {
            if (char.IsWhiteSpace(c))
            {
                last = true;
            }
            else if (last)
            {
                sb.Append(c);
                last = false;
            }
        }
        return sb.ToString();
    }

    private static string SwapCase(string s) =>
        string.Concat(s.Select(c => char.IsUpper(c) ? char.ToLowerInvariant(c) : char.IsLower(c) ? char.ToUpperInvariant(c) : c));

    private static string Random(long count, string alphabet) =>
        count < 0 ? throw new GoCallException($"Requested random string length {count} is less than 0.")
        : count > 1 << 16 ? throw new GoCallException("random string too long")
        : RandomNumberGenerator.GetString(alphabet, (int)count);

    private static string Shuffle(string s)
    {
        var runes = GoQuote.Runes(s).ToArray();
        RandomNumberGenerator.Shuffle(runes.AsSpan());
        return string.Concat(runes.Select(char.ConvertFromUtf32));
    }

    /// <summary>goutils.WrapCustom over bytes: lines of at most width, broken at spaces (long words cut when asked).</summary>
    internal static string Wrap(string str, int width, string newline, bool wrapLongWords)
    {
        if (str.Length == 0)
        {
            return "";
        }
        width = Math.Max(width, 1);
        var s = SprigValues.Bytes(str);
        var n = s.Length;
        var offset = 0;
        var sb = new StringBuilder();
        string Cut(int from, int to) => SprigValues.FromBytes(s, from, to - from);
        while (n - offset > width)
        {
            if (s[offset] == ' ')
            {
                offset++;
                continue;
            }
            var end = Math.Min(width + offset + 1, n);
            var space = Array.LastIndexOf(s, (byte)' ', end - 1, end - offset);
            if (space >= offset)
            {
                sb.Append(Cut(offset, space)).Append(newline);
                offset = space + 1;
            }
            else if (wrapLongWords)
            {
                sb.Append(Cut(offset, width + offset)).Append(newline);
                offset += width;
            }
            else
            {
                var next = Array.IndexOf(s, (byte)' ', width + offset);
                if (next == -1)
                {
                    sb.Append(Cut(offset, n));
                    offset = n;
                }
                else
                {
                    sb.Append(Cut(offset, next)).Append(newline);
                    offset = next + 1;
                }
            }
        }
        sb.Append(Cut(offset, n));
        return sb.ToString();
    }

    private static string Indent(long spaces, string v)
    {
        var pad = new string(' ', (int)Math.Clamp(spaces, 0, 1 << 16));
        return pad + v.Replace("\n", "\n" + pad, StringComparison.Ordinal);
    }

    /// <summary>strings.Replace with n = -1: an empty old inserts the new text around every rune.</summary>
    private static string Replace(string s, string old, string replacement)
    {
        if (old.Length > 0)
        {
            return s.Replace(old, replacement, StringComparison.Ordinal);
        }
        var runes = GoQuote.Runes(s).Select(char.ConvertFromUtf32);
        return replacement + string.Concat(runes.Select(r => r + replacement));
    }

    /// <summary>strings.SplitN (n &lt; 0: all); an empty separator splits into runes.</summary>
    internal static string[] Split(string s, string sep, long n)
    {
        if (n == 0)
        {
            return [];
        }
        if (sep.Length == 0)
        {
            var runes = GoQuote.Runes(s).Select(char.ConvertFromUtf32).ToList();
            if (n > 0 && runes.Count > n)
            {
                runes[(int)n - 1] = string.Concat(runes.Skip((int)n - 1));
                runes.RemoveRange((int)n, runes.Count - (int)n);
            }
            return [.. runes];
        }
        return n < 0 ? s.Split(sep) : s.Split(sep, (int)Math.Min(n, int.MaxValue));
    }

    /// <summary>split and splitn give a map[string]string keyed _0, _1, ...</summary>
    private static GoMap Parts(string[] parts) =>
        GoMap.Create(SprigValues.StringMap, parts.Select((p, i) => new KeyValuePair<string, object?>("_" + i.ToString(CultureInfo.InvariantCulture), p)), "");

    private static GoSlice SortAlpha(object? list)
    {
        if (list is not GoSlice)
        {
            return GoSlice.Strings([SprigValues.Strval(list)]);
        }
        var items = SprigValues.Strslice(list).Items.Cast<string>().ToArray();
        Array.Sort(items, Alerting.Core.Labels.Utf8Comparer.Instance);
        return GoSlice.Strings(items);
    }
}
