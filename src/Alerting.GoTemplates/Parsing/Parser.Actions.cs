using Alerting.GoTemplates.Strconv;

namespace Alerting.GoTemplates.Parsing;

internal sealed partial class Parser
{
    private Node Action()
    {
        var token = NextNonSpace();
        switch (token.Kind)
        {
            case TokenKind.Block:
                return BlockControl();
            case TokenKind.Break:
            case TokenKind.Continue:
                return BreakControl(token);
            case TokenKind.Else:
                return ElseControl();
            case TokenKind.End:
                return new DelimiterNode(Expect(TokenKind.RightDelim, "end").Pos, _tree, isElse: false);
            case TokenKind.If:
                return Control(ControlKind.If);
            case TokenKind.Range:
                return Control(ControlKind.Range);
            case TokenKind.Template:
                return TemplateControl();
            case TokenKind.With:
                return Control(ControlKind.With);
        }
        Backup();
        var first = Peek();
        return new ActionNode(first.Pos, _tree, first.Line, Pipeline("command", TokenKind.RightDelim));
    }

    private Node BreakControl(Token keyword)
    {
        var name = keyword.Kind == TokenKind.Break ? "{{break}}" : "{{continue}}";
        var token = NextNonSpace();
        if (token.Kind != TokenKind.RightDelim)
        {
            throw Unexpected(token, name);
        }
        if (_rangeDepth == 0)
        {
            throw Error($"{name} outside {{{{range}}}}");
        }
        return new BreakNode(keyword.Pos, _tree, keyword.Line, keyword.Kind == TokenKind.Continue);
    }

    private Node ElseControl()
    {
        var peek = PeekNonSpace();
        if (peek.Kind == TokenKind.If)
        {
            // "{{else if ...": the if is left pending and parsed as a nested if.
            return new DelimiterNode(peek.Pos, _tree, isElse: true);
        }
        var token = Expect(TokenKind.RightDelim, "else");
        return new DelimiterNode(token.Pos, _tree, isElse: true);
    }

    private BranchNode Control(ControlKind kind)
    {
        var context = kind switch { ControlKind.If => "if", ControlKind.Range => "range", _ => "with" };
        var varCount = _vars.Count;
        if (++_depth > MaxDepth || !System.Runtime.CompilerServices.RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw Error("max expression depth exceeded");
        }
        try
        {
            var pipe = Pipeline(context, TokenKind.RightDelim);
            if (kind == ControlKind.Range)
            {
                _rangeDepth++;
            }
            var (list, next) = ItemList();
            if (kind == ControlKind.Range)
            {
                _rangeDepth--;
            }
            ListNode? elseList = null;
            if (next is DelimiterNode { IsElse: true })
            {
                if (kind == ControlKind.If && Peek().Kind == TokenKind.If)
                {
                    // {{if a}}_{{else if b}}_{{end}} is {{if a}}_{{else}}{{if b}}_{{end}}{{end}}.
                    Next();
                    elseList = new ListNode(next.Pos, _tree);
                    elseList.Nodes.Add(Control(ControlKind.If));
                }
                else
                {
                    (elseList, next) = ItemList();
                    if (next is not DelimiterNode { IsElse: false })
                    {
                        throw Error($"expected end; found {next}");
                    }
                }
            }
            return new BranchNode(kind, pipe.Pos, _tree, pipe.Line, pipe, list, elseList);
        }
        finally
        {
            _depth--;
            _vars.RemoveRange(varCount, _vars.Count - varCount);
        }
    }

    private Node TemplateControl()
    {
        const string context = "template clause";
        var token = NextNonSpace();
        var name = TemplateName(token, context);
        PipeNode? pipe = null;
        if (NextNonSpace().Kind != TokenKind.RightDelim)
        {
            Backup();
            pipe = Pipeline(context, TokenKind.RightDelim);
        }
        return new TemplateNode(token.Pos, _tree, token.Line, name, pipe);
    }

    private Node BlockControl()
    {
        const string context = "block clause";
        var token = NextNonSpace();
        var name = TemplateName(token, context);
        var pipe = Pipeline(context, TokenKind.RightDelim);
        var outer = (_tree, _vars, _rangeDepth);
        _tree = new Tree(name, _parseName, _text);
        _vars = ["$"];
        _rangeDepth = 0;
        var (list, end) = ItemList();
        if (end is not DelimiterNode { IsElse: false })
        {
            throw Error($"unexpected {end} in {context}");
        }
        _tree.Root = list;
        Add(_tree);
        (_tree, _vars, _rangeDepth) = outer;
        return new TemplateNode(token.Pos, _tree, token.Line, name, pipe);
    }

    private string TemplateName(Token token, string context)
    {
        if (token.Kind is TokenKind.String or TokenKind.RawString)
        {
            return GoUnquote.Unquote(token.Value) ?? throw Error(GoUnquote.SyntaxError);
        }
        throw Unexpected(token, context);
    }

    private PipeNode Pipeline(string context, TokenKind end)
    {
        // Deeply nested parentheses or controls would end the CLR stack; Go 1.21 stops at the same depth.
        if (++_depth > MaxDepth || !System.Runtime.CompilerServices.RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw Error("max expression depth exceeded");
        }
        try
        {
            return ParsePipeline(context, end);
        }
        finally
        {
            _depth--;
        }
    }

    private PipeNode ParsePipeline(string context, TokenKind end)
    {
        var first = PeekNonSpace();
        var pipe = new PipeNode(first.Pos, _tree, first.Line);
        while (true)
        {
            var v = PeekNonSpace();
            if (v.Kind != TokenKind.Variable)
            {
                break;
            }
            var variableIndex = _index;
            Next();
            var next = PeekNonSpace();
            if (next.Kind is TokenKind.Assign or TokenKind.Declare)
            {
                pipe.IsAssign = next.Kind == TokenKind.Assign;
                NextNonSpace();
                pipe.Decl.Add(new VariableNode(v.Pos, _tree, v.Value.Split('.')));
                _vars.Add(v.Value);
                break;
            }
            if (next.Kind == TokenKind.Char && next.Value == ",")
            {
                NextNonSpace();
                pipe.Decl.Add(new VariableNode(v.Pos, _tree, v.Value.Split('.')));
                _vars.Add(v.Value);
                if (context == "range" && pipe.Decl.Count < 2)
                {
                    if (PeekNonSpace().Kind is TokenKind.Variable or TokenKind.RightDelim or TokenKind.RightParen)
                    {
                        continue;
                    }
                    throw Error("range can only initialize variables");
                }
                throw Error($"too many declarations in {context}");
            }
            // Not a declaration: the variable is an operand; read it again.
            _index = variableIndex;
            break;
        }
        while (true)
        {
            var token = NextNonSpace();
            if (token.Kind == end)
            {
                CheckPipeline(pipe, context);
                return pipe;
            }
            switch (token.Kind)
            {
                case TokenKind.Bool or TokenKind.CharConstant or TokenKind.Complex or TokenKind.Dot or TokenKind.Field
                    or TokenKind.Identifier or TokenKind.Number or TokenKind.Nil or TokenKind.RawString
                    or TokenKind.String or TokenKind.Variable or TokenKind.LeftParen:
                    Backup();
                    pipe.Cmds.Add(Command());
                    break;
                default:
                    throw Unexpected(token, context);
            }
        }
    }

    private void CheckPipeline(PipeNode pipe, string context)
    {
        if (pipe.Cmds.Count == 0)
        {
            throw Error($"missing value for {context}");
        }
        for (var i = 1; i < pipe.Cmds.Count; i++)
        {
            if (pipe.Cmds[i].Args[0] is BoolNode or DotNode or NilNode or NumberNode or StringNode)
            {
                throw Error($"non executable command in pipeline stage {i + 1}");
            }
        }
    }

    private CommandNode Command()
    {
        var cmd = new CommandNode(PeekNonSpace().Pos, _tree);
        while (true)
        {
            PeekNonSpace();
            var operand = Operand();
            if (operand is not null)
            {
                cmd.Args.Add(operand);
            }
            var token = Next();
            if (token.Kind == TokenKind.Space)
            {
                continue;
            }
            if (token.Kind is TokenKind.RightDelim or TokenKind.RightParen)
            {
                Backup();
            }
            else if (token.Kind != TokenKind.Pipe)
            {
                throw Unexpected(token, "operand");
            }
            break;
        }
        if (cmd.Args.Count == 0)
        {
            throw Error("empty command");
        }
        return cmd;
    }
}
