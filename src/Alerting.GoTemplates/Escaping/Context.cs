namespace Alerting.GoTemplates.Escaping;

// The names below are Go's (html/template's stringer output): they appear in mangled template names
// ("x$htmltemplate_stateURL_delimDoubleQuote") and in error messages.

internal enum State
{
    stateText,
    stateTag,
    stateAttrName,
    stateAfterName,
    stateBeforeValue,
    stateHTMLCmt,
    stateRCDATA,
    stateAttr,
    stateURL,
    stateSrcset,
    stateJS,
    stateJSDqStr,
    stateJSSqStr,
    stateJSRegexp,
    stateJSBlockCmt,
    stateJSLineCmt,
    stateCSS,
    stateCSSDqStr,
    stateCSSSqStr,
    stateCSSDqURL,
    stateCSSSqURL,
    stateCSSURL,
    stateCSSBlockCmt,
    stateCSSLineCmt,
    stateError,
    stateDead,
}

internal enum Delim
{
    delimNone,
    delimDoubleQuote,
    delimSingleQuote,
    delimSpaceOrTagEnd,
}

internal enum UrlPart
{
    urlPartNone,
    urlPartPreQuery,
    urlPartQueryOrFrag,
    urlPartUnknown,
}

internal enum JsCtx
{
    jsCtxRegexp,
    jsCtxDivOp,
    jsCtxUnknown,
}

internal enum Attr
{
    attrNone,
    attrScript,
    attrScriptType,
    attrStyle,
    attrURL,
    attrSrcset,
}

internal enum Element
{
    elementNone,
    elementScript,
    elementStyle,
    elementTextarea,
    elementTitle,
}

/// <summary>An html/template escaping error; <see cref="Node"/> and <see cref="Line"/> locate it.</summary>
internal sealed record EscapeError(string Description, Parsing.Node? Node = null, int Line = 0)
{
    public string Name { get; set; } = "";

    /// <summary>Go's html/template Error.Error().</summary>
    public string Message()
    {
        if (Node is not null)
        {
            return $"html/template:{Node.Tree.ErrorContext(Node).Location}: {Description}";
        }
        if (Line != 0)
        {
            return $"html/template:{Name}:{Line}: {Description}";
        }
        return Name.Length > 0 ? $"html/template:{Name}: {Description}" : "html/template: " + Description;
    }
}

/// <summary>html/template's context: where in an HTML document the output of an action lands.</summary>
internal readonly record struct Context(
    State State = State.stateText,
    Delim Delim = Delim.delimNone,
    UrlPart UrlPart = UrlPart.urlPartNone,
    JsCtx JsCtx = JsCtx.jsCtxRegexp,
    Attr Attr = Attr.attrNone,
    Element Element = Element.elementNone,
    EscapeError? Err = null)
{
    /// <summary>The name of the copy of template <paramref name="name"/> escaped for this start context.</summary>
    public string Mangle(string name)
    {
        if (State == State.stateText)
        {
            return name;
        }
        var s = name + "$htmltemplate_" + State;
        if (Delim != Delim.delimNone)
        {
            s += "_" + Delim;
        }
        if (UrlPart != UrlPart.urlPartNone)
        {
            s += "_" + UrlPart;
        }
        if (JsCtx != JsCtx.jsCtxRegexp)
        {
            s += "_" + JsCtx;
        }
        if (Attr != Attr.attrNone)
        {
            s += "_" + Attr;
        }
        if (Element != Element.elementNone)
        {
            s += "_" + Element;
        }
        return s;
    }

    public override string ToString() =>
        $"{{{State} {Delim} {UrlPart} {JsCtx} {Attr} {Element} {(Err is null ? "<nil>" : Err.Message())}}}";

    public static Context Error(string description, Parsing.Node? node = null, int line = 0) =>
        new(State.stateError, Err: new EscapeError(description, node, line));

    public bool IsComment => State is State.stateHTMLCmt or State.stateJSBlockCmt or State.stateJSLineCmt
        or State.stateCSSBlockCmt or State.stateCSSLineCmt;

    public bool IsInTag => State is State.stateTag or State.stateAttrName or State.stateAfterName
        or State.stateBeforeValue or State.stateAttr;
}
