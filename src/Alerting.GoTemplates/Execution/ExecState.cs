using System.Diagnostics;
using System.Globalization;
using System.Text;
using Alerting.GoTemplates.Formatting;
using Alerting.GoTemplates.Parsing;
using Alerting.GoTemplates.Strconv;
using Alerting.GoTemplates.Values;

namespace Alerting.GoTemplates.Execution;

/// <summary>One execution of a template (Go's exec.go state): output, variables and the node being run.</summary>
internal sealed partial class ExecState
{
    // Go allows 100000 nested template calls; a CLR stack does not, so the limit is lower.
    private const int MaxExecDepth = 1000;

    private static readonly object MissingVal = new();

    private readonly TemplateRuntime _runtime;
    private readonly StringBuilder _out = new();
    private List<(string Name, object? Value)> _vars = [];
    private readonly long _deadline;
    private Tree _tmpl;
    private Node? _node;
    private int _depth;
    private int _outBytes;
    private int _steps;

    public ExecState(TemplateRuntime runtime, Tree tmpl)
    {
        _runtime = runtime;
        _tmpl = tmpl;
        _deadline = Stopwatch.GetTimestamp() + (long)(runtime.TimeBudget.TotalSeconds * Stopwatch.Frequency);
    }

    private enum Flow
    {
        Normal,
        Break,
        Continue,
    }

    public string Output => _out.ToString();

    public void Run(object? data)
    {
        _vars.Add(("$", data));
        if (_tmpl.Root is null)
        {
            throw Errorf($"{GoQuote.Quote(_tmpl.Name)} is an incomplete or empty template");
        }
        Walk(data, _tmpl.Root);
    }

    /// <summary>Go's state.errorf: the location and context of the current node, then the message.</summary>
    private ExecException Errorf(string message)
    {
        if (_node is null)
        {
            return new ExecException($"template: {_tmpl.Name}: {message}");
        }
        var (location, context) = _node.Tree.ErrorContext(_node);
        return new ExecException($"template: {location}: executing {GoQuote.Quote(_tmpl.Name)} at <{context}>: {message}");
    }

    private void At(Node node) => _node = node;

    private void Write(string s)
    {
        _outBytes += s.Length < 64 && IsAscii(s) ? s.Length : Encoding.UTF8.GetByteCount(s);
        if (_outBytes > _runtime.MaxOutputBytes)
        {
            throw Errorf(string.Create(CultureInfo.InvariantCulture, $"output exceeds the limit of {_runtime.MaxOutputBytes} bytes"));
        }
        _out.Append(s);
    }

    private static bool IsAscii(string s)
    {
        foreach (var c in s)
        {
            if (c >= 0x80)
            {
                return false;
            }
        }
        return true;
    }

    private void CheckBudget()
    {
        if ((++_steps & 255) == 0 && Stopwatch.GetTimestamp() > _deadline)
        {
            throw Errorf(string.Create(CultureInfo.InvariantCulture, $"execution exceeds the time budget of {_runtime.TimeBudget.TotalSeconds}s"));
        }
    }

    private Flow Walk(object? dot, Node node)
    {
        CheckBudget();
        At(node);
        switch (node)
        {
            case ActionNode action:
                var val = EvalPipeline(dot, action.Pipe);
                if (action.Pipe.Decl.Count == 0)
                {
                    PrintValue(action, val);
                }
                return Flow.Normal;
            case BranchNode when !System.Runtime.CompilerServices.RuntimeHelpers.TryEnsureSufficientExecutionStack():
                throw Errorf("max expression depth exceeded");
            case BranchNode { Kind: ControlKind.Range } range:
                return WalkRange(dot, range);
            case BranchNode branch:
                return WalkIfOrWith(dot, branch);
            case ListNode list:
                foreach (var n in list.Nodes)
                {
                    var flow = Walk(dot, n);
                    if (flow != Flow.Normal)
                    {
                        return flow;
                    }
                }
                return Flow.Normal;
            case TemplateNode template:
                WalkTemplate(dot, template);
                return Flow.Normal;
            case TextNode text:
                Write(text.Text);
                return Flow.Normal;
            case BreakNode br:
                return br.IsContinue ? Flow.Continue : Flow.Break;
            default:
                throw Errorf($"unknown node: {node}");
        }
    }

    private Flow WalkIfOrWith(object? dot, BranchNode node)
    {
        var mark = _vars.Count;
        try
        {
            var val = EvalPipeline(dot, node.Pipe);
            if (Truth.IsTrue(val))
            {
                return Walk(node.Kind == ControlKind.With ? val : dot, node.List);
            }
            return node.ElseList is null ? Flow.Normal : Walk(dot, node.ElseList);
        }
        finally
        {
            Pop(mark);
        }
    }

    private Flow WalkRange(object? dot, BranchNode r)
    {
        At(r);
        var outerMark = _vars.Count;
        try
        {
            var val = EvalPipeline(dot, r.Pipe);
            var mark = _vars.Count;
            var iterated = false;
            switch (val)
            {
                case GoSlice slice:
                    for (var i = 0; i < slice.Items.Count; i++)
                    {
                        iterated = true;
                        if (OneIteration(r, (long)i, slice.Items[i], mark) == Flow.Break)
                        {
                            break;
                        }
                    }
                    break;
                case GoMap map:
                    foreach (var key in map.Keys)
                    {
                        iterated = true;
                        if (OneIteration(r, key, map[key], mark) == Flow.Break)
                        {
                            break;
                        }
                    }
                    break;
                case null:
                    break;
                default:
                    throw Errorf($"range can't iterate over {GoFmt.Sprint(val)}");
            }
            if (!iterated && r.ElseList is not null)
            {
                return Walk(dot, r.ElseList);
            }
            return Flow.Normal;
        }
        finally
        {
            Pop(outerMark);
        }
    }

    private Flow OneIteration(BranchNode r, object? index, object? elem, int mark)
    {
        if (r.Pipe.Decl.Count > 0)
        {
            SetTopVar(1, elem);
        }
        if (r.Pipe.Decl.Count > 1)
        {
            SetTopVar(2, index);
        }
        try
        {
            return Walk(elem, r.List);
        }
        finally
        {
            Pop(mark);
        }
    }

    private void WalkTemplate(object? dot, TemplateNode t)
    {
        At(t);
        if (!_runtime.Templates.TryGetValue(t.Name, out var tmpl) || tmpl.Root is null)
        {
            throw Errorf($"template {GoQuote.Quote(t.Name)} not defined");
        }
        // The CLR stack may end before Go's depth would: stop while there is room to report it.
        if (_depth == MaxExecDepth || !System.Runtime.CompilerServices.RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw Errorf(string.Create(CultureInfo.InvariantCulture, $"exceeded maximum template depth ({MaxExecDepth})"));
        }
        dot = EvalPipeline(dot, t.Pipe);
        var (savedTmpl, savedVars) = (_tmpl, _vars);
        _depth++;
        _tmpl = tmpl;
        // No dynamic scoping: the called template sees only $.
        _vars = [("$", dot)];
        try
        {
            Walk(dot, tmpl.Root);
        }
        finally
        {
            _depth--;
            (_tmpl, _vars) = (savedTmpl, savedVars);
        }
    }

    private void Pop(int mark) => _vars.RemoveRange(mark, _vars.Count - mark);

    private void Push(string name, object? value) => _vars.Add((name, value));

    private void SetVar(string name, object? value)
    {
        for (var i = _vars.Count - 1; i >= 0; i--)
        {
            if (_vars[i].Name == name)
            {
                _vars[i] = (name, value);
                return;
            }
        }
        throw Errorf($"undefined variable: {name}");
    }

    private void SetTopVar(int n, object? value) => _vars[^n] = (_vars[^n].Name, value);

    private object? VarValue(string name)
    {
        for (var i = _vars.Count - 1; i >= 0; i--)
        {
            if (_vars[i].Name == name)
            {
                return _vars[i].Value;
            }
        }
        throw Errorf($"undefined variable: {name}");
    }

    private void PrintValue(Node n, object? v)
    {
        At(n);
        if (v is GoValue { Type.Kind: GoKind.Func })
        {
            throw Errorf($"can't print {n} of type {GoTypes.Of(v)}");
        }
        Write(v is null ? "<no value>" : GoFmt.Sprint(v));
    }
}
