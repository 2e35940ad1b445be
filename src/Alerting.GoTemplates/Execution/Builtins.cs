using System.Text;
using Alerting.GoTemplates.Formatting;
using Alerting.GoTemplates.Values;

namespace Alerting.GoTemplates.Execution;

/// <summary>text/template's builtin functions (Go 1.19).</summary>
internal static class Builtins
{
    private static readonly GoType V = GoTypes.Value;
    private static readonly GoType Vs = GoTypes.ValueSlice;

    public static IReadOnlyDictionary<string, GoFunc> All { get; } = Create();

    private static Dictionary<string, GoFunc> Create()
    {
        var list = new GoFunc[]
        {
            new("and", GoSignature.VariadicOf(V, Vs), _ => null, Builtin: true),
            new("or", GoSignature.VariadicOf(V, Vs), _ => null, Builtin: true),
            new("not", GoSignature.Of(V), a => !Truth.IsTrue(a[0]), Builtin: true),
            new("call", GoSignature.VariadicWithError(V, Vs), a => Call(a[0]), Builtin: true),
            new("html", GoSignature.VariadicOf(GoTypes.AnySlice), a => TextEscapers.Html(EvalArgs(a)), Builtin: true),
            new("js", GoSignature.VariadicOf(GoTypes.AnySlice), a => TextEscapers.Js(EvalArgs(a)), Builtin: true),
            new("urlquery", GoSignature.VariadicOf(GoTypes.AnySlice), a => TextEscapers.QueryEscape(EvalArgs(a)), Builtin: true),
            new("index", GoSignature.VariadicWithError(V, Vs), a => Indexing.Index(a[0], a.AsSpan(1)), Builtin: true),
            new("slice", GoSignature.VariadicWithError(V, Vs), a => Indexing.Slice(a[0], a.AsSpan(1)), Builtin: true),
            new("len", GoSignature.WithError(V), a => Indexing.Length(a[0]), Builtin: true),
            new("print", GoSignature.VariadicOf(GoTypes.AnySlice), a => GoFmt.Sprint(a), Builtin: true),
            new("printf", GoSignature.VariadicOf(GoTypes.String, GoTypes.AnySlice), a => GoFmt.Sprintf((string)a[0]!, a[1..]), Builtin: true),
            new("println", GoSignature.VariadicOf(GoTypes.AnySlice), a => GoFmt.Sprintln(a), Builtin: true),
            new("eq", GoSignature.VariadicWithError(V, Vs), a => Comparison.Eq(a[0], a[1..]), Builtin: true),
            new("ne", GoSignature.WithError(V, V), a => !Comparison.Eq(a[0], [a[1]]), Builtin: true),
            new("lt", GoSignature.WithError(V, V), a => Comparison.Lt(a[0], a[1]), Builtin: true),
            new("le", GoSignature.WithError(V, V), a => Comparison.Le(a[0], a[1]), Builtin: true),
            new("gt", GoSignature.WithError(V, V), a => Comparison.Gt(a[0], a[1]), Builtin: true),
            new("ge", GoSignature.WithError(V, V), a => Comparison.Ge(a[0], a[1]), Builtin: true),
        };
        return list.ToDictionary(f => f.Name, StringComparer.Ordinal);
    }

    private static object? Call(object? fn)
    {
        if (fn is null)
        {
            throw new GoCallException("call of nil");
        }
        // The data model holds no function values.
        throw new GoCallException($"non-function of type {GoTypes.Of(fn)}");
    }

    /// <summary>Go's evalArgs: one string as is, else fmt.Sprint with invalid values as "&lt;no value&gt;".</summary>
    public static string EvalArgs(IReadOnlyList<object?> args)
    {
        if (args.Count == 1 && args[0] is string s)
        {
            return s;
        }
        var printable = new object?[args.Count];
        for (var i = 0; i < args.Count; i++)
        {
            printable[i] = args[i] ?? "<no value>";
        }
        return GoFmt.Sprint(printable);
    }
}

/// <summary>text/template's HTMLEscapeString, JSEscapeString and url.QueryEscape.</summary>
internal static class TextEscapers
{
    public static string Html(string s)
    {
        if (s.AsSpan().IndexOfAny("'\"&<>\0") < 0)
        {
            return s;
        }
        var sb = new StringBuilder(s.Length + 16);
        foreach (var c in s)
        {
            sb.Append(c switch
            {
                '\0' => "\uFFFD",
                '"' => "&#34;",
                '\'' => "&#39;",
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                _ => null,
            } ?? c.ToString());
        }
        return sb.ToString();
    }

    public static string Js(string s)
    {
        var sb = new StringBuilder(s.Length + 16);
        foreach (var r in Strconv.GoQuote.Runes(s))
        {
            switch (r)
            {
                case '\\': sb.Append(@"\\"); break;
                case '\'': sb.Append(@"\'"); break;
                case '"': sb.Append("\\\""); break;
                case '<': sb.Append(@"\u003C"); break;
                case '>': sb.Append(@"\u003E"); break;
                case '&': sb.Append(@"\u0026"); break;
                case '=': sb.Append(@"\u003D"); break;
                case < ' ':
                    sb.Append(@"\u00").Append("0123456789ABCDEF"[r >> 4]).Append("0123456789ABCDEF"[r & 0xF]);
                    break;
                case < 0x80:
                    sb.Append((char)r);
                    break;
                default:
                    if (Strconv.GoQuote.IsPrint(r))
                    {
                        sb.Append(char.ConvertFromUtf32(r));
                    }
                    else
                    {
                        sb.Append(@"\u").Append(r.ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
                    }
                    break;
            }
        }
        return sb.ToString();
    }

    /// <summary>Go's url.QueryEscape: unreserved bytes kept, space as '+', the rest %XX.</summary>
    public static string QueryEscape(string s) => Escape(s, query: true);

    /// <summary>Go's url.PathEscape.</summary>
    public static string PathEscape(string s) => Escape(s, query: false);

    private static string Escape(string s, bool query)
    {
        var sb = new StringBuilder(s.Length + 8);
        foreach (var b in Encoding.UTF8.GetBytes(s))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~')
            {
                sb.Append(c);
            }
            else if (c == ' ' && query)
            {
                sb.Append('+');
            }
            else if (!query && c is '$' or '&' or '+' or ',' or ':' or ';' or '=' or '@')
            {
                sb.Append(c);
            }
            else
            {
                sb.Append('%').Append("0123456789ABCDEF"[b >> 4]).Append("0123456789ABCDEF"[b & 15]);
            }
        }
        return sb.ToString();
    }
}
