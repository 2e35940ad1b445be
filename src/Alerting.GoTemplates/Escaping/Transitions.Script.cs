namespace Alerting.GoTemplates.Escaping;

internal static partial class Transitions
{
    private static readonly HashSet<string> RegexpPrecederKeywords = new(StringComparer.Ordinal)
    {
        "break", "case", "continue", "delete", "do", "else", "finally", "in", "instanceof", "return", "throw", "try", "typeof", "void",
    };

    private static (Context, int) TJs(Context c, string s)
    {
        var i = s.AsSpan().IndexOfAny("\"'/");
        if (i == -1)
        {
            return (c with { JsCtx = NextJsCtx(s, c.JsCtx) }, s.Length);
        }
        c = c with { JsCtx = NextJsCtx(s[..i], c.JsCtx) };
        switch (s[i])
        {
            case '"':
                c = c with { State = State.stateJSDqStr, JsCtx = JsCtx.jsCtxRegexp };
                break;
            case '\'':
                c = c with { State = State.stateJSSqStr, JsCtx = JsCtx.jsCtxRegexp };
                break;
            default:
                if (i + 1 < s.Length && s[i + 1] == '/')
                {
                    c = c with { State = State.stateJSLineCmt };
                    i++;
                }
                else if (i + 1 < s.Length && s[i + 1] == '*')
                {
                    c = c with { State = State.stateJSBlockCmt };
                    i++;
                }
                else if (c.JsCtx == JsCtx.jsCtxRegexp)
                {
                    c = c with { State = State.stateJSRegexp };
                }
                else if (c.JsCtx == JsCtx.jsCtxDivOp)
                {
                    c = c with { JsCtx = JsCtx.jsCtxRegexp };
                }
                else
                {
                    return (Context.Error($"'/' could start a division or regexp: {QuoteTruncated(s[i..], 32)}"), s.Length);
                }
                break;
        }
        return (c, i + 1);
    }

    private static (Context, int) TJsDelimited(Context c, string s)
    {
        var specials = c.State switch
        {
            State.stateJSSqStr => "\\'",
            State.stateJSRegexp => "\\/[]",
            _ => "\\\"",
        };
        var k = 0;
        var inCharset = false;
        while (true)
        {
            var rel = s.AsSpan(k).IndexOfAny(specials);
            if (rel < 0)
            {
                break;
            }
            var i = k + rel;
            switch (s[i])
            {
                case '\\':
                    i++;
                    if (i == s.Length)
                    {
                        return (Context.Error($"unfinished escape sequence in JS string: {Strconv.GoQuote.Quote(s)}"), s.Length);
                    }
                    break;
                case '[':
                    inCharset = true;
                    break;
                case ']':
                    inCharset = false;
                    break;
                default:
                    if (!inCharset)
                    {
                        return (c with { State = State.stateJS, JsCtx = JsCtx.jsCtxDivOp }, i + 1);
                    }
                    break;
            }
            k = i + 1;
        }
        if (inCharset)
        {
            return (Context.Error($"unfinished JS regexp charset: {Strconv.GoQuote.Quote(s)}"), s.Length);
        }
        return (c, s.Length);
    }

    private static (Context, int) TBlockCmt(Context c, string s)
    {
        var i = s.IndexOf("*/", StringComparison.Ordinal);
        if (i == -1)
        {
            return (c, s.Length);
        }
        return (c with { State = c.State == State.stateJSBlockCmt ? State.stateJS : State.stateCSS }, i + 2);
    }

    private static (Context, int) TLineCmt(Context c, string s)
    {
        var js = c.State == State.stateJSLineCmt;
        var i = js ? s.AsSpan().IndexOfAny("\n\r\u2028\u2029") : s.AsSpan().IndexOfAny("\n\f\r");
        if (i == -1)
        {
            return (c, s.Length);
        }
        return (c with { State = js ? State.stateJS : State.stateCSS }, i);
    }

    private static (Context, int) TCss(Context c, string s)
    {
        var k = 0;
        while (true)
        {
            var rel = s.AsSpan(k).IndexOfAny("(\"'/");
            if (rel < 0)
            {
                return (c, s.Length);
            }
            var i = k + rel;
            switch (s[i])
            {
                case '(':
                    var p = s[..i].TrimEnd('\t', '\n', '\f', '\r', ' ');
                    if (Css.EndsWithKeyword(p, "url"))
                    {
                        var rest = s[(i + 1)..];
                        var j = s.Length - rest.TrimStart('\t', '\n', '\f', '\r', ' ').Length;
                        if (j != s.Length && s[j] == '"')
                        {
                            return (c with { State = State.stateCSSDqURL }, j + 1);
                        }
                        if (j != s.Length && s[j] == '\'')
                        {
                            return (c with { State = State.stateCSSSqURL }, j + 1);
                        }
                        return (c with { State = State.stateCSSURL }, j);
                    }
                    break;
                case '/':
                    if (i + 1 < s.Length)
                    {
                        if (s[i + 1] == '/')
                        {
                            return (c with { State = State.stateCSSLineCmt }, i + 2);
                        }
                        if (s[i + 1] == '*')
                        {
                            return (c with { State = State.stateCSSBlockCmt }, i + 2);
                        }
                    }
                    break;
                case '"':
                    return (c with { State = State.stateCSSDqStr }, i + 1);
                case '\'':
                    return (c with { State = State.stateCSSSqStr }, i + 1);
            }
            k = i + 1;
        }
    }

    private static (Context, int) TCssStr(Context c, string s)
    {
        var endAndEsc = c.State switch
        {
            State.stateCSSDqStr or State.stateCSSDqURL => "\\\"",
            State.stateCSSSqStr or State.stateCSSSqURL => "\\'",
            _ => "\\\t\n\f\r )",
        };
        var k = 0;
        while (true)
        {
            var rel = s.AsSpan(k).IndexOfAny(endAndEsc);
            if (rel < 0)
            {
                var (c1, n) = TUrl(c, Css.Decode(s[k..]));
                return (c1, k + n);
            }
            var i = k + rel;
            if (s[i] == '\\')
            {
                i++;
                if (i == s.Length)
                {
                    return (Context.Error($"unfinished escape sequence in CSS string: {Strconv.GoQuote.Quote(s)}"), s.Length);
                }
            }
            else
            {
                return (c with { State = State.stateCSS }, i + 1);
            }
            (c, _) = TUrl(c, Css.Decode(s[..(i + 1)]));
            k = i + 1;
        }
    }

    /// <summary>Whether a '/' after <paramref name="s"/> starts a regexp or a division.</summary>
    public static JsCtx NextJsCtx(string s, JsCtx preceding)
    {
        s = s.TrimEnd('\t', '\n', '\f', '\r', ' ', '\u2028', '\u2029');
        if (s.Length == 0)
        {
            return preceding;
        }
        var n = s.Length;
        var c = s[n - 1];
        switch (c)
        {
            case '+' or '-':
                var start = n - 1;
                while (start > 0 && s[start - 1] == c)
                {
                    start--;
                }
                return ((n - start) & 1) == 1 ? JsCtx.jsCtxRegexp : JsCtx.jsCtxDivOp;
            case '.':
                return n != 1 && char.IsAsciiDigit(s[n - 2]) ? JsCtx.jsCtxDivOp : JsCtx.jsCtxRegexp;
            case ',' or '<' or '>' or '=' or '*' or '%' or '&' or '|' or '^' or '?' or '!' or '~' or '(' or '[' or ':' or ';' or '{' or '}':
                return JsCtx.jsCtxRegexp;
            default:
                var j = n;
                while (j > 0 && Js.IsIdentPart(s[j - 1]))
                {
                    j--;
                }
                return RegexpPrecederKeywords.Contains(s[j..]) ? JsCtx.jsCtxRegexp : JsCtx.jsCtxDivOp;
        }
    }
}
