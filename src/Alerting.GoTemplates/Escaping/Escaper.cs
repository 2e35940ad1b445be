using Alerting.GoTemplates.Parsing;

namespace Alerting.GoTemplates.Escaping;

/// <summary>An html/template escaping error ("html/template:NAME:LINE:COL: ...").</summary>
internal sealed class EscapeException(string message) : Exception(message);

/// <summary>
/// html/template's escaper (Go 1.19): walks the templates reachable from the root in HTML context, inserts
/// the escaping functions into every action's pipeline, strips HTML comments from text and escapes each
/// called template for the context it is called in (as "NAME$htmltemplate_..." copies).
/// </summary>
internal sealed partial class Escaper
{
    private readonly Namespace _ns;
    private readonly Dictionary<string, Context> _output = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Tree> _derived = new(StringComparer.Ordinal);
    private readonly HashSet<string> _called = new(StringComparer.Ordinal);
    private readonly Dictionary<ActionNode, List<string>> _actionEdits = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<TemplateNode, string> _templateEdits = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<TextNode, string> _textEdits = new(ReferenceEqualityComparer.Instance);
    private RangeContext? _rangeContext;

    private Escaper(Namespace ns) => _ns = ns;

    /// <summary>
    /// Escapes <paramref name="root"/> (the inline text, named "") and what it calls. The trees of
    /// <paramref name="templates"/> are copied before they are edited; the copies and the derived
    /// templates replace them in the dictionary. Throws <see cref="EscapeException"/>.
    /// </summary>
    public static Tree Escape(Dictionary<string, Tree> templates, Tree root)
    {
        templates[""] = root;
        var ns = new Namespace(templates);
        var e = new Escaper(ns);
        var (c, _) = e.EscapeTree(default, root.Root!, "", 0);
        string? error = null;
        if (c.Err is not null)
        {
            c.Err.Name = "";
            error = c.Err.Message();
        }
        else if (c.State != State.stateText)
        {
            error = new EscapeError($"ends in a non-text context: {c}").Message();
        }
        if (error is not null)
        {
            throw new EscapeException(error);
        }
        e.Commit();
        return templates[""];
    }

    /// <summary>The characters that end an attribute value with the given delimiter.</summary>
    public static string DelimEnds(Delim d) => d switch
    {
        Delim.delimDoubleQuote => "\"",
        Delim.delimSingleQuote => "'",
        Delim.delimSpaceOrTagEnd => " \t\n\f\r>",
        _ => "",
    };

    private Context Escape(Context c, Node n)
    {
        switch (n)
        {
            case ActionNode action:
                return EscapeAction(c, action);
            case BreakNode br:
                var ctx = c with { };
                if (br.IsContinue)
                {
                    _rangeContext!.Continues.Add((ctx, br));
                }
                else
                {
                    _rangeContext!.Breaks.Add((ctx, br));
                }
                return new Context(State.stateDead);
            case BranchNode when !System.Runtime.CompilerServices.RuntimeHelpers.TryEnsureSufficientExecutionStack():
                return Context.Error("max expression depth exceeded", n);
            case BranchNode branch:
                return EscapeBranch(c, branch);
            case ListNode list:
                return EscapeList(c, list);
            case TemplateNode template:
                return EscapeTemplateCall(c, template);
            case TextNode text:
                return EscapeText(c, text);
        }
        throw new InvalidOperationException("escaping " + n + " is unimplemented");
    }

    private Context EscapeList(Context c, ListNode? n)
    {
        if (n is null)
        {
            return c;
        }
        foreach (var m in n.Nodes)
        {
            c = Escape(c, m);
            if (c.State == State.stateDead)
            {
                break;
            }
        }
        return c;
    }

    private Context EscapeBranch(Context c, BranchNode n)
    {
        var nodeName = n.Kind switch { ControlKind.If => "if", ControlKind.Range => "range", _ => "with" };
        if (n.Kind == ControlKind.Range)
        {
            _rangeContext = new RangeContext(_rangeContext);
        }
        var c0 = EscapeList(c, n.List);
        if (n.Kind == ControlKind.Range)
        {
            if (c0.State != State.stateError)
            {
                c0 = JoinRange(c0, _rangeContext!);
            }
            _rangeContext = _rangeContext!.Outer;
            if (c0.State == State.stateError)
            {
                return c0;
            }
            // The body of a range may run many times: running it again must end where it started.
            _rangeContext = new RangeContext(_rangeContext);
            var (c1, _) = EscapeListConditionally(c0, n.List, null);
            c0 = Join(c0, c1, n, nodeName);
            if (c0.State == State.stateError)
            {
                _rangeContext = _rangeContext.Outer;
                return c0 with { Err = c0.Err! with { Line = n.Line, Description = "on range loop re-entry: " + c0.Err.Description } };
            }
            c0 = JoinRange(c0, _rangeContext);
            _rangeContext = _rangeContext.Outer;
            if (c0.State == State.stateError)
            {
                return c0;
            }
        }
        var ce = EscapeList(c, n.ElseList);
        return Join(c0, ce, n, nodeName);
    }

    private static Context JoinRange(Context c0, RangeContext rc)
    {
        foreach (var (c, n) in rc.Breaks)
        {
            c0 = Join(c0, c, n, "range");
            if (c0.State == State.stateError)
            {
                return c0 with { Err = c0.Err! with { Line = n.Line, Description = "at range loop break: " + c0.Err.Description } };
            }
        }
        foreach (var (c, n) in rc.Continues)
        {
            c0 = Join(c0, c, n, "range");
            if (c0.State == State.stateError)
            {
                return c0 with { Err = c0.Err! with { Line = n.Line, Description = "at range loop continue: " + c0.Err.Description } };
            }
        }
        return c0;
    }

    /// <summary>Joins the contexts at the ends of two branches; an error when they differ.</summary>
    private static Context Join(Context a, Context b, Node node, string nodeName)
    {
        if (a.State == State.stateError)
        {
            return a;
        }
        if (b.State == State.stateError)
        {
            return b;
        }
        if (a.State == State.stateDead)
        {
            return b;
        }
        if (b.State == State.stateDead)
        {
            return a;
        }
        if (a == b)
        {
            return a;
        }
        var c = a with { UrlPart = b.UrlPart };
        if (c == b)
        {
            return c with { UrlPart = UrlPart.urlPartUnknown };
        }
        c = a with { JsCtx = b.JsCtx };
        if (c == b)
        {
            return c with { JsCtx = JsCtx.jsCtxUnknown };
        }
        var (na, nb) = (Nudge(a), Nudge(b));
        if (!(na == a && nb == b))
        {
            var e = Join(na, nb, node, nodeName);
            if (e.State != State.stateError)
            {
                return e;
            }
        }
        return Context.Error($"{{{{{nodeName}}}}} branches end in different contexts: {a}, {b}", node);
    }

    /// <summary>The context after the empty-string transitions (an action right after "href=" is a value).</summary>
    private static Context Nudge(Context c) => c.State switch
    {
        State.stateTag => c with { State = State.stateAttrName },
        State.stateBeforeValue => c with { State = Transitions.AttrStartState(c.Attr), Delim = Delim.delimSpaceOrTagEnd, Attr = Attr.attrNone },
        State.stateAfterName => c with { State = State.stateAttrName, Attr = Attr.attrNone },
        _ => c,
    };

    private sealed class RangeContext(RangeContext? outer)
    {
        public RangeContext? Outer { get; } = outer;

        public List<(Context Context, BreakNode Node)> Breaks { get; } = [];

        public List<(Context Context, BreakNode Node)> Continues { get; } = [];
    }

    /// <summary>The templates of one compilation; a shared tree is copied the first time it is escaped.</summary>
    private sealed class Namespace(Dictionary<string, Tree> templates)
    {
        private readonly HashSet<string> _copied = new(StringComparer.Ordinal) { "" };

        public Dictionary<string, Tree> Templates { get; } = templates;

        public Tree? Lookup(string name)
        {
            if (!Templates.TryGetValue(name, out var tree))
            {
                return null;
            }
            if (_copied.Add(name))
            {
                tree = tree.Copy();
                Templates[name] = tree;
            }
            return tree;
        }
    }
}
