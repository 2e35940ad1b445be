using System.Globalization;
using System.Text;
using Alerting.GoTemplates.Execution;
using Alerting.GoTemplates.Strconv;
using Alerting.GoTemplates.Time;
using Alerting.GoTemplates.Values;

namespace Alerting.GoTemplates.Alertmanager;

/// <summary>Alertmanager's DefaultFuncs up to 0.34 (template/template.go).</summary>
internal static class AmFunctions
{
    public static readonly GoType Html = new("template.HTML", GoKind.String, named: true, underlying: "string");
    public static readonly GoType Url = new("template.URL", GoKind.String, named: true, underlying: "string");

    private static readonly GoType S = GoTypes.String;
    private static readonly GoType T = GoTime.TimeType;

    /// <summary>The functions; <paramref name="clock"/> serves now and since.</summary>
    public static Dictionary<string, GoFunc> Create(TimeProvider clock)
    {
        AmTypes.EnsureInitialised();
        var list = new GoFunc[]
        {
            new("toUpper", GoSignature.Of(S), a => ((string)a[0]!).ToUpperInvariant()),
            new("toLower", GoSignature.Of(S), a => ((string)a[0]!).ToLowerInvariant()),
            new("title", GoSignature.Of(S), a => Title((string)a[0]!)),
            new("trimSpace", GoSignature.Of(S), a => ((string)a[0]!).Trim()),
            new("join", GoSignature.Of(S, GoTypes.StringSlice), a => string.Join((string)a[0]!, ((GoSlice)a[1]!).Items.Cast<string>())),
            new("match", GoSignature.WithError(S, S), a => GoRegexp.IsMatch((string)a[0]!, (string)a[1]!)),
            new("safeHtml", GoSignature.Of(S), a => new GoString(Html, (string)a[0]!)),
            new("safeUrl", GoSignature.Of(S), a => new GoString(Url, (string)a[0]!)),
            new("urlUnescape", GoSignature.WithError(S), a => QueryUnescape((string)a[0]!)),
            new("reReplaceAll", GoSignature.Of(S, S, S), a => GoRegexp.ReplaceAll((string)a[0]!, (string)a[1]!, (string)a[2]!)),
            new("stringSlice", GoSignature.VariadicOf(GoTypes.StringSlice), a => GoSlice.Strings(a.Cast<string>())),
            new("routeLabels", GoSignature.WithError(S), _ => ""),
            new("date", GoSignature.Of(S, T), a => GoTimeFormat.Format((GoTime)a[1]!, (string)a[0]!)),
            new("tz", GoSignature.WithError(S, T), a => Tz((string)a[0]!, (GoTime)a[1]!)),
            new("now", GoSignature.Of(), _ => GoTime.From(clock.GetLocalNow()).In(GoLocation.Local)),
            new("since", GoSignature.Of(T), a => GoDuration.Of(GoTime.From(clock.GetUtcNow()).Sub((GoTime)a[0]!))),
            new("humanizeDuration", GoSignature.WithError(GoTypes.Any), a => Humanize.Duration(a[0])),
            new("toDate", GoSignature.Of(S, S), a => GoTimeParse.Parse((string)a[0]!, (string)a[1]!, out _) ?? GoTime.Zero),
            new("mustToDate", GoSignature.WithError(S, S), a => GoTimeParse.Parse((string)a[0]!, (string)a[1]!, out var e) ?? throw new GoCallException(e!)),
            new("toJson", GoSignature.WithError(GoTypes.Any), a => GoJsonEncoder.Marshal(a[0])),
            new("base64encode", GoSignature.Of(S), a => Convert.ToBase64String(Encoding.UTF8.GetBytes((string)a[0]!)).Replace('+', '-').Replace('/', '_')),
            new("base64decode", GoSignature.WithError(S), a => Base64Decode((string)a[0]!)),
            new("list", GoSignature.VariadicWithError(GoTypes.AnySlice), a => new GoSlice(GoTypes.AnySlice, [.. a])),
            new("append", GoSignature.VariadicOf(GoTypes.AnySlice, GoTypes.AnySlice), a => new GoSlice(GoTypes.AnySlice, [.. ((GoSlice)a[0]!).Items, .. a[1..]])),
            new("dict", GoSignature.VariadicWithError(GoTypes.AnySlice), Dict),
        };
        return list.ToDictionary(f => f.Name, StringComparer.Ordinal);
    }

    private static object Dict(object?[] values)
    {
        if (values.Length % 2 != 0)
        {
            throw new GoCallException("dict requires an even number of arguments");
        }
        var pairs = new List<KeyValuePair<string, object?>>();
        for (var i = 0; i < values.Length; i += 2)
        {
            if (values[i] is not string key)
            {
                throw new GoCallException("dict keys must be strings");
            }
            pairs.Add(new(key, values[i + 1]));
        }
        return GoMap.Create(GoTypes.AnyMap, pairs, null);
    }

    private static GoTime Tz(string name, GoTime t) =>
        GoLocation.Load(name, out var error) is { } location ? t.In(location) : throw new GoCallException(error!);

    private static string Base64Decode(string s)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(s.Replace('-', '+').Replace('_', '/')));
        }
        catch (FormatException)
        {
            throw new GoCallException("illegal base64 data at input byte " + BadBase64Offset(s).ToString(CultureInfo.InvariantCulture));
        }
    }

    private static int BadBase64Offset(string s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            if (!(char.IsAsciiLetterOrDigit(s[i]) || s[i] is '-' or '_' or '='))
            {
                return i;
            }
        }
        return s.Length;
    }

    /// <summary>url.QueryUnescape: %XX and '+' as space; a bad escape is an error.</summary>
    private static string QueryUnescape(string s)
    {
        var bytes = new List<byte>(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '%')
            {
                if (i + 2 >= s.Length || !Uri.IsHexDigit(s[i + 1]) || !Uri.IsHexDigit(s[i + 2]))
                {
                    var bad = s[i..Math.Min(i + 3, s.Length)];
                    throw new GoCallException($"invalid URL escape {GoQuote.Quote(bad)}");
                }
                bytes.Add((byte)Convert.ToInt32(s.Substring(i + 1, 2), 16));
                i += 2;
            }
            else if (c == '+')
            {
                bytes.Add((byte)' ');
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(c.ToString()));
            }
        }
        return Encoding.UTF8.GetString([.. bytes]);
    }

    /// <summary>
    /// cases.Title(language.AmericanEnglish): in each word (Unicode word segmentation: letters, digits, '_',
    /// and ' ’ . : between them) the first cased letter is upper case, the other letters lower case.
    /// </summary>
    internal static string Title(string s)
    {
        var runes = GoQuote.Runes(s).Select(char.ConvertFromUtf32).ToArray();
        var sb = new StringBuilder(s.Length);
        var inWord = false;
        var needUpper = true;
        for (var i = 0; i < runes.Length; i++)
        {
            var r = runes[i];
            var alnum = char.IsLetterOrDigit(r, 0) || r == "_";
            var joiner = r is "'" or "’" or "." or ":" && inWord && i + 1 < runes.Length && char.IsLetterOrDigit(runes[i + 1], 0);
            if (!alnum && !joiner)
            {
                inWord = false;
                sb.Append(r);
                continue;
            }
            if (!inWord)
            {
                inWord = true;
                needUpper = true;
            }
            if (char.IsLetter(r, 0) && (char.IsUpper(r, 0) || char.IsLower(r, 0)))
            {
                sb.Append(needUpper ? r.ToUpperInvariant() : r.ToLowerInvariant());
                needUpper = false;
            }
            else
            {
                sb.Append(r);
            }
        }
        return sb.ToString();
    }
}
