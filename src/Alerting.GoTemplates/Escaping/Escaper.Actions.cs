using Alerting.GoTemplates.Parsing;

namespace Alerting.GoTemplates.Escaping;

internal sealed partial class Escaper
{
    private static readonly HashSet<string> PredefinedEscapers = new(StringComparer.Ordinal) { "html", "urlquery" };

    private static readonly Dictionary<string, string> EquivEscapers = new(StringComparer.Ordinal)
    {
        ["_html_template_attrescaper"] = "html",
        ["_html_template_htmlescaper"] = "html",
        ["_html_template_rcdataescaper"] = "html",
        ["_html_template_urlescaper"] = "urlquery",
        ["_html_template_urlnormalizer"] = "urlquery",
    };

    private static readonly Dictionary<string, string[]> RedundantFuncs = new(StringComparer.Ordinal)
    {
        ["_html_template_commentescaper"] = ["_html_template_attrescaper", "_html_template_htmlescaper"],
        ["_html_template_cssescaper"] = ["_html_template_attrescaper"],
        ["_html_template_jsregexpescaper"] = ["_html_template_attrescaper"],
        ["_html_template_jsstrescaper"] = ["_html_template_attrescaper"],
        ["_html_template_urlescaper"] = ["_html_template_urlnormalizer"],
    };

    private Context EscapeAction(Context c, ActionNode n)
    {
        if (n.Pipe.Decl.Count != 0)
        {
            return c;
        }
        c = Nudge(c);
        for (var pos = 0; pos < n.Pipe.Cmds.Count; pos++)
        {
            if (n.Pipe.Cmds[pos].Args[0] is IdentifierNode { Ident: var ident } && PredefinedEscapers.Contains(ident)
                && (pos < n.Pipe.Cmds.Count - 1 || (c.State == State.stateAttr && c.Delim == Delim.delimSpaceOrTagEnd && ident == "html")))
            {
                return Context.Error($"predefined escaper {Strconv.GoQuote.Quote(ident)} disallowed in template", n, n.Line);
            }
        }
        var s = new List<string>(3);
        switch (c.State)
        {
            case State.stateError:
                return c;
            case State.stateURL or State.stateCSSDqStr or State.stateCSSSqStr or State.stateCSSDqURL or State.stateCSSSqURL or State.stateCSSURL:
                switch (c.UrlPart)
                {
                    case UrlPart.urlPartNone:
                        s.Add("_html_template_urlfilter");
                        s.Add(c.State is State.stateCSSDqStr or State.stateCSSSqStr ? "_html_template_cssescaper" : "_html_template_urlnormalizer");
                        break;
                    case UrlPart.urlPartPreQuery:
                        s.Add(c.State is State.stateCSSDqStr or State.stateCSSSqStr ? "_html_template_cssescaper" : "_html_template_urlnormalizer");
                        break;
                    case UrlPart.urlPartQueryOrFrag:
                        s.Add("_html_template_urlescaper");
                        break;
                    default:
                        return Context.Error($"{n} appears in an ambiguous context within a URL", n, n.Line);
                }
                break;
            case State.stateJS:
                s.Add("_html_template_jsvalescaper");
                c = c with { JsCtx = JsCtx.jsCtxDivOp };
                break;
            case State.stateJSDqStr or State.stateJSSqStr:
                s.Add("_html_template_jsstrescaper");
                break;
            case State.stateJSRegexp:
                s.Add("_html_template_jsregexpescaper");
                break;
            case State.stateCSS:
                s.Add("_html_template_cssvaluefilter");
                break;
            case State.stateText:
                s.Add("_html_template_htmlescaper");
                break;
            case State.stateRCDATA:
                s.Add("_html_template_rcdataescaper");
                break;
            case State.stateAttr:
                break;
            case State.stateAttrName or State.stateTag:
                c = c with { State = State.stateAttrName };
                s.Add("_html_template_htmlnamefilter");
                break;
            case State.stateSrcset:
                s.Add("_html_template_srcsetescaper");
                break;
            default:
                if (!c.IsComment)
                {
                    throw new InvalidOperationException("unexpected state " + c.State);
                }
                s.Add("_html_template_commentescaper");
                break;
        }
        switch (c.Delim)
        {
            case Delim.delimNone:
                break;
            case Delim.delimSpaceOrTagEnd:
                s.Add("_html_template_nospaceescaper");
                break;
            default:
                s.Add("_html_template_attrescaper");
                break;
        }
        _actionEdits[n] = s;
        return c;
    }

    private static string NormalizeEscFn(string e) => EquivEscapers.GetValueOrDefault(e) ?? e;

    /// <summary>Go's ensurePipelineContains: the escapers at the end, merged with a trailing html or urlquery.</summary>
    private static void EnsurePipelineContains(PipeNode p, List<string> s)
    {
        if (s.Count == 0)
        {
            return;
        }
        var pipelineLen = p.Cmds.Count;
        if (pipelineLen > 0 && p.Cmds[^1].Args[0] is IdentifierNode idNode && PredefinedEscapers.Contains(idNode.Ident))
        {
            var esc = idNode.Ident;
            var lastCmd = p.Cmds[^1];
            if (p.Cmds.Count == 1 && lastCmd.Args.Count > 1)
            {
                // {{ esc a b }} becomes {{ _eval_args_ a b | esc }}.
                lastCmd.Args[0] = new IdentifierNode(lastCmd.Args[0].Pos, lastCmd.Tree, "_eval_args_");
                AppendCmd(p.Cmds, NewIdentCmd(esc, p));
                pipelineLen++;
            }
            var dup = false;
            for (var i = 0; i < s.Count; i++)
            {
                if (NormalizeEscFn(esc) == NormalizeEscFn(s[i]))
                {
                    s[i] = esc;
                    dup = true;
                }
            }
            if (dup)
            {
                pipelineLen--;
            }
        }
        var newCmds = new List<CommandNode>(pipelineLen + s.Count);
        var inserted = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < pipelineLen; i++)
        {
            newCmds.Add(p.Cmds[i]);
            if (p.Cmds[i].Args[0] is IdentifierNode id)
            {
                inserted.Add(NormalizeEscFn(id.Ident));
            }
        }
        foreach (var name in s)
        {
            if (!inserted.Contains(NormalizeEscFn(name)))
            {
                AppendCmd(newCmds, NewIdentCmd(name, p));
            }
        }
        p.Cmds.Clear();
        p.Cmds.AddRange(newCmds);
    }

    private static void AppendCmd(List<CommandNode> cmds, CommandNode cmd)
    {
        if (cmds.Count != 0 && cmds[^1].Args[0] is IdentifierNode last && cmd.Args[0] is IdentifierNode next
            && RedundantFuncs.TryGetValue(last.Ident, out var redundant) && redundant.Contains(next.Ident))
        {
            return;
        }
        cmds.Add(cmd);
    }

    private static CommandNode NewIdentCmd(string name, PipeNode p)
    {
        var cmd = new CommandNode(p.Pos, p.Tree);
        cmd.Args.Add(new IdentifierNode(p.Pos, p.Tree, name));
        return cmd;
    }

    private Context EscapeTemplateCall(Context c, TemplateNode n)
    {
        var (c1, name) = EscapeTree(c, n, n.Name, n.Line);
        if (name != n.Name)
        {
            _templateEdits[n] = name;
        }
        return c1;
    }

    private Tree? Template(string name) => _ns.Lookup(name) ?? _derived.GetValueOrDefault(name);

    private (Context Context, string Name) EscapeTree(Context c, Node node, string name, int line)
    {
        var dname = c.Mangle(name);
        _called.Add(dname);
        if (_output.TryGetValue(dname, out var output))
        {
            return (output, dname);
        }
        var t = Template(name);
        if (t?.Root is null)
        {
            var message = t is not null
                ? $"{Strconv.GoQuote.Quote(name)} is an incomplete or empty template"
                : $"no such template {Strconv.GoQuote.Quote(name)}";
            return (Context.Error(message, node, line), dname);
        }
        if (dname != name)
        {
            var dt = Template(dname);
            if (dt is null)
            {
                dt = new Tree(dname, t.ParseName, t.Text) { Root = t.Root.CopyList() };
                _derived[dname] = dt;
            }
            t = dt;
        }
        return (ComputeOutCtx(c, t), dname);
    }

    private Context ComputeOutCtx(Context c, Tree t)
    {
        var (c1, ok) = EscapeTemplateBody(c, t);
        if (!ok)
        {
            var (c2, ok2) = EscapeTemplateBody(c1, t);
            if (ok2)
            {
                (c1, ok) = (c2, true);
            }
        }
        if (!ok && c1.State != State.stateError)
        {
            return Context.Error($"cannot compute output context for template {t.Name}", t.Root);
        }
        return c1;
    }

    private (Context, bool) EscapeTemplateBody(Context c, Tree t)
    {
        _output[t.Name] = c;
        return EscapeListConditionally(c, t.Root!, (e1, c1) =>
            c1.State != State.stateError && (!e1._called.Contains(t.Name) || c == c1));
    }

    private (Context, bool) EscapeListConditionally(Context c, ListNode n, Func<Escaper, Context, bool>? filter)
    {
        var e1 = new Escaper(_ns) { _rangeContext = _rangeContext };
        foreach (var (k, v) in _output)
        {
            e1._output[k] = v;
        }
        c = e1.EscapeList(c, n);
        var ok = filter is not null && filter(e1, c);
        if (ok)
        {
            foreach (var (k, v) in e1._output)
            {
                _output[k] = v;
            }
            foreach (var (k, v) in e1._derived)
            {
                _derived[k] = v;
            }
            _called.UnionWith(e1._called);
            foreach (var (k, v) in e1._actionEdits)
            {
                _actionEdits[k] = v;
            }
            foreach (var (k, v) in e1._templateEdits)
            {
                _templateEdits[k] = v;
            }
            foreach (var (k, v) in e1._textEdits)
            {
                _textEdits[k] = v;
            }
        }
        return (c, ok);
    }

    private void Commit()
    {
        foreach (var (name, tree) in _derived)
        {
            _ns.Templates[name] = tree;
        }
        foreach (var (n, s) in _actionEdits)
        {
            EnsurePipelineContains(n.Pipe, s);
        }
        foreach (var (n, name) in _templateEdits)
        {
            n.Name = name;
        }
        foreach (var (n, text) in _textEdits)
        {
            n.Text = text;
        }
    }
}
