using System.Text;
using Alerting.GoTemplates.Alertmanager;
using Alerting.GoTemplates.Execution;
using Alerting.GoTemplates.Formatting;
using Alerting.GoTemplates.Values;

namespace Alerting.GoTemplates.Escaping;

/// <summary>The functions html/template inserts into pipelines (escape.go's funcMap).</summary>
internal static class HtmlEscapers
{
    private const string Failsafe = "ZgotmplZ";

    public static IReadOnlyDictionary<string, GoFunc> All { get; } = Create();

    private static Dictionary<string, GoFunc> Create()
    {
        var list = new (string Name, Func<IReadOnlyList<object?>, string> Body)[]
        {
            ("_html_template_attrescaper", a => Attr(a)),
            ("_html_template_commentescaper", _ => ""),
            ("_html_template_cssescaper", a => Css.Escape(Stringify(a).Text)),
            ("_html_template_cssvaluefilter", a => Stringify(a) is var (s, t) && t == ContentType.Css ? s : Css.ValueFilter(s)),
            ("_html_template_htmlnamefilter", a => NameFilter(a)),
            ("_html_template_htmlescaper", a => Stringify(a) is var (s, t) && t == ContentType.Html ? s : Replace(s, Table.Html, badRunes: true)),
            ("_html_template_jsregexpescaper", a => Js.RegexpEscaper(Stringify(a).Text)),
            ("_html_template_jsstrescaper", a => Stringify(a) is var (s, t) ? Js.StrEscaper(s, t == ContentType.JsStr) : ""),
            ("_html_template_jsvalescaper", Js.ValEscaper),
            ("_html_template_nospaceescaper", a => Stringify(a) is var (s, t) && t == ContentType.Html
                ? Replace(StripTags(s), Table.NospaceNorm, badRunes: false)
                : Replace(s, Table.Nospace, badRunes: false)),
            ("_html_template_rcdataescaper", a => Stringify(a) is var (s, t) && t == ContentType.Html
                ? Replace(s, Table.HtmlNorm, badRunes: true)
                : Replace(s, Table.Html, badRunes: true)),
            ("_html_template_srcsetescaper", a => Urls.Srcset(Stringify(a))),
            ("_html_template_urlescaper", a => Urls.Process(Stringify(a), norm: false)),
            ("_html_template_urlfilter", a => Stringify(a) is var (s, t) && t != ContentType.Url && !Urls.IsSafe(s) ? "#" + Failsafe : s),
            ("_html_template_urlnormalizer", a => Urls.Process(Stringify(a), norm: true)),
            ("_eval_args_", a => EvalArgs(a)),
        };
        return list.ToDictionary(
            f => f.Name,
            f => new GoFunc(f.Name, GoSignature.VariadicOf(GoTypes.AnySlice), a => f.Body(a)),
            StringComparer.Ordinal);
    }

    /// <summary>html/template's stringify: a trusted string keeps its content type; nil arguments are skipped.</summary>
    public static (string Text, ContentType Type) Stringify(IReadOnlyList<object?> args)
    {
        if (args.Count == 1)
        {
            switch (args[0])
            {
                case string s:
                    return (s, ContentType.Plain);
                case GoString g when g.Type == AmFunctions.Html:
                    return (g.Value, ContentType.Html);
                case GoString g when g.Type == AmFunctions.Url:
                    return (g.Value, ContentType.Url);
            }
        }
        var present = args.Where(a => a is not null).ToArray();
        return (GoFmt.Sprint(present), ContentType.Plain);
    }

    private static string EvalArgs(IReadOnlyList<object?> args) =>
        args.Count == 1 && args[0] is string s ? s : GoFmt.Sprint(args);

    private static string Attr(IReadOnlyList<object?> args)
    {
        var (s, t) = Stringify(args);
        return t == ContentType.Html ? Replace(StripTags(s), Table.HtmlNorm, badRunes: true) : Replace(s, Table.Html, badRunes: true);
    }

    private static string NameFilter(IReadOnlyList<object?> args)
    {
        var (s, t) = Stringify(args);
        if (t == ContentType.HtmlAttr)
        {
            return s;
        }
        if (s.Length == 0)
        {
            return Failsafe;
        }
        s = s.ToLowerInvariant();
        if (AttrTypes.Of(s) != ContentType.Plain)
        {
            return Failsafe;
        }
        return s.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'z') ? s : Failsafe;
    }

    private enum Table
    {
        Html,
        HtmlNorm,
        Nospace,
        NospaceNorm,
    }

    private static string? Replacement(Table table, int r)
    {
        var nospace = table is Table.Nospace or Table.NospaceNorm;
        var norm = table is Table.HtmlNorm or Table.NospaceNorm;
        return r switch
        {
            0 => nospace ? "&#xfffd;" : "\uFFFD",
            '"' => "&#34;",
            '&' => norm ? null : "&amp;",
            '\'' => "&#39;",
            '+' => "&#43;",
            '<' => "&lt;",
            '>' => "&gt;",
            '\t' when nospace => "&#9;",
            '\n' when nospace => "&#10;",
            '\v' when nospace => "&#11;",
            '\f' when nospace => "&#12;",
            '\r' when nospace => "&#13;",
            ' ' when nospace => "&#32;",
            '=' when nospace => "&#61;",
            '`' when nospace => "&#96;",
            _ => null,
        };
    }

    private static string Replace(string s, Table table, bool badRunes)
    {
        StringBuilder? sb = null;
        var written = 0;
        for (var i = 0; i < s.Length;)
        {
            var (r, w) = Strconv.GoQuote.RuneAt(s, i);
            string? repl = r < 0x80 ? Replacement(table, r) : null;
            if (repl is null && !badRunes && r is >= 0xfdd0 and <= 0xfdef or >= 0xfff0 and <= 0xffff)
            {
                repl = "&#x" + r.ToString("x", System.Globalization.CultureInfo.InvariantCulture) + ";";
            }
            if (repl is not null)
            {
                sb ??= new StringBuilder(s.Length + 16);
                sb.Append(s, written, i - written).Append(repl);
                written = i + w;
            }
            i += w;
        }
        return sb is null ? s : sb.Append(s, written, s.Length - written).ToString();
    }

    /// <summary>The text content of an HTML snippet (html/template's stripTags).</summary>
    private static string StripTags(string html)
    {
        var b = new StringBuilder();
        var c = default(Context);
        var i = 0;
        var allText = true;
        while (i != html.Length)
        {
            if (c.Delim == Delim.delimNone)
            {
                var st = c.State;
                if (c.Element != Element.elementNone && !c.IsInTag)
                {
                    st = State.stateRCDATA;
                }
                var (d, nread) = Transitions.Transition(c with { State = st }, html[i..]);
                var i1 = i + nread;
                if (c.State is State.stateText or State.stateRCDATA)
                {
                    var j = i1;
                    if (d.State != c.State)
                    {
                        for (var j1 = j - 1; j1 >= i; j1--)
                        {
                            if (html[j1] == '<')
                            {
                                j = j1;
                                break;
                            }
                        }
                    }
                    b.Append(html, i, j - i);
                }
                else
                {
                    allText = false;
                }
                (c, i) = (d, i1);
                continue;
            }
            var rel = html.AsSpan(i).IndexOfAny(Escaper.DelimEnds(c.Delim));
            if (rel < 0)
            {
                break;
            }
            var end = i + rel + (c.Delim != Delim.delimSpaceOrTagEnd ? 1 : 0);
            (c, i) = (new Context(State.stateTag, Element: c.Element), end);
        }
        if (allText)
        {
            return html;
        }
        if (c.State is State.stateText or State.stateRCDATA)
        {
            b.Append(html, i, html.Length - i);
        }
        return b.ToString();
    }
}
