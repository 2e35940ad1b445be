namespace Alerting.GoTemplates.Escaping;

/// <summary>html/template's transition functions (Go 1.19): how a context changes over template text.</summary>
internal static partial class Transitions
{
    private static readonly Dictionary<string, Element> ElementNames = new(StringComparer.Ordinal)
    {
        ["script"] = Element.elementScript,
        ["style"] = Element.elementStyle,
        ["textarea"] = Element.elementTextarea,
        ["title"] = Element.elementTitle,
    };

    /// <summary>The new context and how many characters of <paramref name="s"/> were consumed.</summary>
    public static (Context Context, int Consumed) Transition(Context c, string s) => c.State switch
    {
        State.stateText => TText(c, s),
        State.stateTag => TTag(c, s),
        State.stateAttrName => TAttrName(c, s),
        State.stateAfterName => TAfterName(c, s),
        State.stateBeforeValue => TBeforeValue(c, s),
        State.stateHTMLCmt => THtmlCmt(c, s),
        State.stateRCDATA => TSpecialTagEnd(c, s),
        State.stateAttr => (c, s.Length),
        State.stateURL or State.stateSrcset => TUrl(c, s),
        State.stateJS => TJs(c, s),
        State.stateJSDqStr or State.stateJSSqStr or State.stateJSRegexp => TJsDelimited(c, s),
        State.stateJSBlockCmt or State.stateCSSBlockCmt => TBlockCmt(c, s),
        State.stateJSLineCmt or State.stateCSSLineCmt => TLineCmt(c, s),
        State.stateCSS => TCss(c, s),
        State.stateCSSDqStr or State.stateCSSSqStr or State.stateCSSDqURL or State.stateCSSSqURL or State.stateCSSURL => TCssStr(c, s),
        _ => (c, s.Length),
    };

    private static (Context, int) TText(Context c, string s)
    {
        var k = 0;
        while (true)
        {
            var i = s.IndexOf('<', k);
            if (i < 0 || i + 1 == s.Length)
            {
                return (c, s.Length);
            }
            if (string.CompareOrdinal(s, i, "<!--", 0, 4) == 0 && i + 4 <= s.Length)
            {
                return (new Context(State.stateHTMLCmt), i + 4);
            }
            i++;
            var end = false;
            if (s[i] == '/')
            {
                if (i + 1 == s.Length)
                {
                    return (c, s.Length);
                }
                end = true;
                i++;
            }
            var (j, e) = EatTagName(s, i);
            if (j != i)
            {
                return (new Context(State.stateTag, Element: end ? Element.elementNone : e), j);
            }
            k = j;
        }
    }

    private static State ElementContentType(Element e) => e switch
    {
        Element.elementScript => State.stateJS,
        Element.elementStyle => State.stateCSS,
        Element.elementTextarea or Element.elementTitle => State.stateRCDATA,
        _ => State.stateText,
    };

    private static (Context, int) TTag(Context c, string s)
    {
        var i = EatWhiteSpace(s, 0);
        if (i == s.Length)
        {
            return (c, s.Length);
        }
        if (s[i] == '>')
        {
            return (new Context(ElementContentType(c.Element), Element: c.Element), i + 1);
        }
        var (j, err) = EatAttrName(s, i);
        if (err is not null)
        {
            return (err.Value, s.Length);
        }
        if (i == j)
        {
            return (Context.Error($"expected space, attr name, or end of tag, but got {Strconv.GoQuote.Quote(s[i..])}"), s.Length);
        }
        var attrName = s[i..j].ToLowerInvariant();
        var attr = Attr.attrNone;
        if (c.Element == Element.elementScript && attrName == "type")
        {
            attr = Attr.attrScriptType;
        }
        else
        {
            attr = AttrTypes.Of(attrName) switch
            {
                ContentType.Url => Attr.attrURL,
                ContentType.Css => Attr.attrStyle,
                ContentType.Js => Attr.attrScript,
                ContentType.Srcset => Attr.attrSrcset,
                _ => Attr.attrNone,
            };
        }
        return (new Context(j == s.Length ? State.stateAttrName : State.stateAfterName, Element: c.Element, Attr: attr), j);
    }

    private static (Context, int) TAttrName(Context c, string s)
    {
        var (i, err) = EatAttrName(s, 0);
        if (err is not null)
        {
            return (err.Value, s.Length);
        }
        if (i != s.Length)
        {
            c = c with { State = State.stateAfterName };
        }
        return (c, i);
    }

    private static (Context, int) TAfterName(Context c, string s)
    {
        var i = EatWhiteSpace(s, 0);
        if (i == s.Length)
        {
            return (c, s.Length);
        }
        if (s[i] != '=')
        {
            return (c with { State = State.stateTag }, i);
        }
        return (c with { State = State.stateBeforeValue }, i + 1);
    }

    public static State AttrStartState(Attr a) => a switch
    {
        Attr.attrScript => State.stateJS,
        Attr.attrStyle => State.stateCSS,
        Attr.attrURL => State.stateURL,
        Attr.attrSrcset => State.stateSrcset,
        _ => State.stateAttr,
    };

    private static (Context, int) TBeforeValue(Context c, string s)
    {
        var i = EatWhiteSpace(s, 0);
        if (i == s.Length)
        {
            return (c, s.Length);
        }
        var delim = Delim.delimSpaceOrTagEnd;
        if (s[i] == '\'')
        {
            delim = Delim.delimSingleQuote;
            i++;
        }
        else if (s[i] == '"')
        {
            delim = Delim.delimDoubleQuote;
            i++;
        }
        return (c with { State = AttrStartState(c.Attr), Delim = delim }, i);
    }

    private static (Context, int) THtmlCmt(Context c, string s)
    {
        var i = s.IndexOf("-->", StringComparison.Ordinal);
        return i >= 0 ? (default, i + 3) : (c, s.Length);
    }

    private static string? SpecialTagEndMarker(Element e) => e switch
    {
        Element.elementScript => "script",
        Element.elementStyle => "style",
        Element.elementTextarea => "textarea",
        Element.elementTitle => "title",
        _ => null,
    };

    public static (Context, int) TSpecialTagEnd(Context c, string s)
    {
        if (c.Element != Element.elementNone)
        {
            var i = IndexTagEnd(s, SpecialTagEndMarker(c.Element)!);
            if (i != -1)
            {
                return (default, i);
            }
        }
        return (c, s.Length);
    }

    private static int IndexTagEnd(string s, string tag)
    {
        var res = 0;
        while (s.Length > 0)
        {
            var i = s.IndexOf("</", StringComparison.Ordinal);
            if (i == -1)
            {
                return -1;
            }
            s = s[(i + 2)..];
            if (tag.Length <= s.Length && string.Equals(s[..tag.Length], tag, StringComparison.OrdinalIgnoreCase))
            {
                s = s[tag.Length..];
                if (s.Length > 0 && "> \t\n\f/".Contains(s[0], StringComparison.Ordinal))
                {
                    return res + i;
                }
                res += tag.Length;
            }
            res += i + 2;
        }
        return -1;
    }

    public static (Context, int) TUrl(Context c, string s)
    {
        if (s.AsSpan().IndexOfAny("#?") >= 0)
        {
            c = c with { UrlPart = UrlPart.urlPartQueryOrFrag };
        }
        else if (s.Length != EatWhiteSpace(s, 0) && c.UrlPart == UrlPart.urlPartNone)
        {
            c = c with { UrlPart = UrlPart.urlPartPreQuery };
        }
        return (c, s.Length);
    }

    private static (Context?, int) EatAttrNameError(string s, int j) =>
        (Context.Error($"{Strconv.GoQuote.Quote(s[j..(j + 1)])} in attribute name: {QuoteTruncated(s, 32)}"), -1);

    private static (int, Context?) EatAttrName(string s, int i)
    {
        for (var j = i; j < s.Length; j++)
        {
            switch (s[j])
            {
                case ' ' or '\t' or '\n' or '\f' or '\r' or '=' or '>':
                    return (j, null);
                case '\'' or '"' or '<':
                    return (-1, EatAttrNameError(s, j).Item1);
            }
        }
        return (s.Length, null);
    }

    /// <summary>%.Nq: the first N runes, quoted.</summary>
    public static string QuoteTruncated(string s, int runes)
    {
        var end = 0;
        for (var n = 0; n < runes && end < s.Length; n++)
        {
            end += Strconv.GoQuote.RuneAt(s, end).Width;
        }
        return Strconv.GoQuote.Quote(s[..end]);
    }

    private static (int, Element) EatTagName(string s, int i)
    {
        if (i == s.Length || !char.IsAsciiLetter(s[i]))
        {
            return (i, Element.elementNone);
        }
        var j = i + 1;
        while (j < s.Length)
        {
            var x = s[j];
            if (char.IsAsciiLetterOrDigit(x))
            {
                j++;
                continue;
            }
            if (x is ':' or '-' && j + 1 < s.Length && char.IsAsciiLetterOrDigit(s[j + 1]))
            {
                j += 2;
                continue;
            }
            break;
        }
        return (j, ElementNames.GetValueOrDefault(s[i..j].ToLowerInvariant()));
    }

    public static int EatWhiteSpace(string s, int i)
    {
        for (var j = i; j < s.Length; j++)
        {
            if (s[j] is not (' ' or '\t' or '\n' or '\f' or '\r'))
            {
                return j;
            }
        }
        return s.Length;
    }
}
