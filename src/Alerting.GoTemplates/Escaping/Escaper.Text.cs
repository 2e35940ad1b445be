using System.Net;
using System.Text;
using Alerting.GoTemplates.Parsing;

namespace Alerting.GoTemplates.Escaping;

internal sealed partial class Escaper
{
    private static readonly HashSet<string> JsTypes = new(StringComparer.Ordinal)
    {
        "application/ecmascript", "application/javascript", "application/json", "application/ld+json", "application/x-ecmascript",
        "application/x-javascript", "module", "text/ecmascript", "text/javascript", "text/javascript1.0", "text/javascript1.1",
        "text/javascript1.2", "text/javascript1.3", "text/javascript1.4", "text/javascript1.5", "text/jscript", "text/livescript",
        "text/x-ecmascript", "text/x-javascript",
    };

    /// <summary>Go's escapeText: follows the context over the text, escapes stray '&lt;' and drops comments.</summary>
    private Context EscapeText(Context c, TextNode n)
    {
        var s = n.Text;
        var written = 0;
        var i = 0;
        var b = new StringBuilder();
        while (i != s.Length)
        {
            var (c1, nread) = ContextAfterText(c, s[i..]);
            var i1 = i + nread;
            if (c.State is State.stateText or State.stateRCDATA)
            {
                var end = i1;
                if (c1.State != c.State)
                {
                    for (var j = end - 1; j >= i; j--)
                    {
                        if (s[j] == '<')
                        {
                            end = j;
                            break;
                        }
                    }
                }
                for (var j = i; j < end; j++)
                {
                    if (s[j] == '<' && !s[j..].StartsWith("<!DOCTYPE", StringComparison.OrdinalIgnoreCase))
                    {
                        b.Append(s, written, j - written).Append("&lt;");
                        written = j + 1;
                    }
                }
            }
            else if (c.IsComment && c.Delim == Delim.delimNone)
            {
                switch (c.State)
                {
                    case State.stateJSBlockCmt:
                        b.Append(s.AsSpan(written, i1 - written).IndexOfAny("\n\r\u2028\u2029") >= 0 ? '\n' : ' ');
                        break;
                    case State.stateCSSBlockCmt:
                        b.Append(' ');
                        break;
                }
                written = i1;
            }
            if (c.State != c1.State && c1.IsComment && c1.Delim == Delim.delimNone)
            {
                var cs = i1 - 2;
                if (c1.State == State.stateHTMLCmt)
                {
                    cs -= 2;
                }
                b.Append(s, written, cs - written);
                written = i1;
            }
            if (i == i1 && c.State == c1.State)
            {
                throw new InvalidOperationException($"infinite loop from {c} to {c1} on {s[..i]}..{s[i..]}");
            }
            (c, i) = (c1, i1);
        }
        if (written != 0 && c.State != State.stateError)
        {
            if (!c.IsComment || c.Delim != Delim.delimNone)
            {
                b.Append(s, written, s.Length - written);
            }
            _textEdits[n] = b.ToString();
        }
        return c;
    }

    private static (Context, int) ContextAfterText(Context c, string s)
    {
        if (c.Delim == Delim.delimNone)
        {
            var (c1, i) = Transitions.TSpecialTagEnd(c, s);
            if (i == 0)
            {
                return (c1, 0);
            }
            return Transitions.Transition(c, s[..i]);
        }
        var end = s.AsSpan().IndexOfAny(DelimEnds(c.Delim));
        if (end == -1)
        {
            end = s.Length;
        }
        if (c.Delim == Delim.delimSpaceOrTagEnd)
        {
            var j = s.AsSpan(0, end).IndexOfAny("\"'<=`");
            if (j >= 0)
            {
                return (Context.Error($"{Strconv.GoQuote.Quote(s[j..(j + 1)])} in unquoted attr: {Strconv.GoQuote.Quote(s[..end])}"), s.Length);
            }
        }
        if (end == s.Length)
        {
            // Still inside the attribute: its value is decoded so entities do not hide structure.
            var u = WebUtility.HtmlDecode(s);
            while (u.Length != 0)
            {
                var (c1, i1) = Transitions.Transition(c, u);
                (c, u) = (c1, u[i1..]);
            }
            return (c, s.Length);
        }
        var element = c.Element;
        if (c.State == State.stateAttr && c.Element == Element.elementScript && c.Attr == Attr.attrScriptType
            && !JsTypes.Contains(s[..end].Split(';')[0].ToLowerInvariant().Trim()))
        {
            element = Element.elementNone;
        }
        if (c.Delim != Delim.delimSpaceOrTagEnd)
        {
            end++;
        }
        return (new Context(State.stateTag, Element: element), end);
    }
}
