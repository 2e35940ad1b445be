using Alerting.GoTemplates.Parsing;
using Alerting.GoTemplates.Strconv;
using Alerting.GoTemplates.Values;

namespace Alerting.GoTemplates.Execution;

internal sealed partial class ExecState
{
    private object? EvalPipeline(object? dot, PipeNode? pipe)
    {
        if (pipe is null)
        {
            return null;
        }
        At(pipe);
        var value = MissingVal;
        foreach (var cmd in pipe.Cmds)
        {
            value = EvalCommand(dot, cmd, value);
        }
        foreach (var variable in pipe.Decl)
        {
            if (pipe.IsAssign)
            {
                SetVar(variable.Ident[0], value);
            }
            else
            {
                Push(variable.Ident[0], value);
            }
        }
        return value;
    }

    private void NotAFunction(List<Node> args, object? final)
    {
        if (args.Count > 1 || final != MissingVal)
        {
            throw Errorf($"can't give argument to non-function {args[0]}");
        }
    }

    private object? EvalCommand(object? dot, CommandNode cmd, object? final)
    {
        var firstWord = cmd.Args[0];
        switch (firstWord)
        {
            case FieldNode field:
                return EvalFieldNode(dot, field, cmd.Args, final);
            case ChainNode chain:
                return EvalChainNode(dot, chain, cmd.Args, final);
            case IdentifierNode id:
                return EvalFunction(dot, id, cmd, cmd.Args, final);
            case PipeNode pipe:
                NotAFunction(cmd.Args, final);
                return EvalPipeline(dot, pipe);
            case VariableNode variable:
                return EvalVariableNode(dot, variable, cmd.Args, final);
        }
        At(firstWord);
        NotAFunction(cmd.Args, final);
        switch (firstWord)
        {
            case BoolNode b:
                return b.True;
            case DotNode:
                return dot;
            case NilNode:
                throw Errorf("nil is not a command");
            case NumberNode number:
                return IdealConstant(number);
            case StringNode s:
                return s.Text;
        }
        throw Errorf($"can't evaluate command {GoQuote.Quote(firstWord.ToString())}");
    }

    private object? IdealConstant(NumberNode constant)
    {
        At(constant);
        var text = constant.Text;
        if (constant.IsComplex)
        {
            return constant.Complex128;
        }
        if (constant.IsFloat && !IsHexInt(text) && !(text.Length > 0 && text[0] == '\'') && text.AsSpan().IndexOfAny(".eEpP") >= 0)
        {
            return constant.Float64;
        }
        if (constant.IsInt)
        {
            return constant.Int64;
        }
        if (constant.IsUint)
        {
            throw Errorf($"{text} overflows int");
        }
        return null;
    }

    private static bool IsHexInt(string s) =>
        s.Length > 2 && s[0] == '0' && s[1] is 'x' or 'X' && s.AsSpan().IndexOfAny("pP") < 0;

    private object? EvalFieldNode(object? dot, FieldNode field, List<Node>? args, object? final)
    {
        At(field);
        return EvalFieldChain(dot, dot, field, field.Ident, args, final);
    }

    private object? EvalChainNode(object? dot, ChainNode chain, List<Node>? args, object? final)
    {
        At(chain);
        if (chain.Field.Count == 0)
        {
            throw Errorf("internal error: no fields in evalChainNode");
        }
        if (chain.Node is NilNode)
        {
            throw Errorf($"indirection through explicit nil in {chain}");
        }
        var pipe = EvalArg(dot, null, chain.Node);
        return EvalFieldChain(dot, pipe, chain, chain.Field, args, final);
    }

    private object? EvalVariableNode(object? dot, VariableNode variable, List<Node>? args, object? final)
    {
        At(variable);
        var value = VarValue(variable.Ident[0]);
        if (variable.Ident.Length == 1)
        {
            if (args is not null)
            {
                NotAFunction(args, final);
            }
            else if (final != MissingVal)
            {
                throw Errorf($"can't give argument to non-function {variable}");
            }
            return value;
        }
        return EvalFieldChain(dot, value, variable, variable.Ident[1..], args, final);
    }

    private object? EvalFieldChain(object? dot, object? receiver, Node node, IReadOnlyList<string> ident, List<Node>? args, object? final)
    {
        var n = ident.Count;
        for (var i = 0; i < n - 1; i++)
        {
            receiver = EvalField(dot, ident[i], node, null, MissingVal, receiver);
        }
        return EvalField(dot, ident[n - 1], node, args, final, receiver);
    }

    private object? EvalFunction(object? dot, IdentifierNode node, Node cmd, List<Node>? args, object? final)
    {
        At(node);
        var name = node.Ident;
        if (!_runtime.Funcs.TryGetValue(name, out var function))
        {
            throw Errorf($"{GoQuote.Quote(name)} is not a defined function");
        }
        return EvalCall(dot, function.Signature, function.Builtin, cmd, name, args, final, a => function.Body(a));
    }

    private object? EvalField(object? dot, string fieldName, Node node, List<Node>? args, object? final, object? receiver)
    {
        if (receiver is null)
        {
            return null;
        }
        var typ = GoTypes.Of(receiver)!;
        if (typ.Methods.TryGetValue(fieldName, out var method))
        {
            return EvalCall(dot, method.Signature, false, node, fieldName, args, final, a => method.Body(receiver, a));
        }
        var hasArgs = args is { Count: > 1 } || final != MissingVal;
        switch (receiver)
        {
            case GoStruct st when st.TryField(fieldName, out var field):
                if (hasArgs)
                {
                    throw Errorf($"{fieldName} has arguments but cannot be invoked as function");
                }
                return field;
            case GoMap map:
                if (hasArgs)
                {
                    throw Errorf($"{fieldName} is not a method but has arguments");
                }
                return map.TryGet(fieldName, out var value) ? value : map.Zero;
        }
        throw Errorf($"can't evaluate field {fieldName} in type {typ}");
    }

    /// <summary>Go's evalCall: checks the argument count, evaluates and converts the arguments, calls.</summary>
    private object? EvalCall(
        object? dot, GoSignature sig, bool isBuiltin, Node node, string name, List<Node>? allArgs, object? final, Func<object?[], object?> call)
    {
        var args = allArgs is null ? [] : allArgs.GetRange(1, allArgs.Count - 1);
        var numIn = args.Count + (final != MissingVal ? 1 : 0);
        var numFixed = args.Count;
        if (sig.Variadic)
        {
            numFixed = sig.In.Length - 1;
            if (numIn < numFixed)
            {
                throw Errorf($"wrong number of args for {name}: want at least {sig.In.Length - 1} got {args.Count}");
            }
        }
        else if (numIn != sig.In.Length)
        {
            throw Errorf($"wrong number of args for {name}: want {sig.In.Length} got {numIn}");
        }
        if (!(sig.NumOut == 1 || (sig.NumOut == 2 && sig.ReturnsError)))
        {
            throw Errorf($"can't call method/function {GoQuote.Quote(name)} with {sig.NumOut} results");
        }
        if (isBuiltin && name is "and" or "or")
        {
            return AndOr(dot, name == "or", args, final, sig.In[0]);
        }
        var argv = new object?[numIn];
        var i = 0;
        for (; i < numFixed && i < args.Count; i++)
        {
            argv[i] = EvalArg(dot, sig.In[i], args[i]);
        }
        if (sig.Variadic)
        {
            var elem = sig.In[^1].Elem!;
            for (; i < args.Count; i++)
            {
                argv[i] = EvalArg(dot, elem, args[i]);
            }
        }
        if (final != MissingVal)
        {
            var t = sig.In[^1];
            if (sig.Variadic)
            {
                t = numIn - 1 < numFixed ? sig.In[numIn - 1] : t.Elem!;
            }
            argv[i] = ValidateType(final, t);
        }
        try
        {
            return call(argv);
        }
        catch (GoCallException e)
        {
            At(node);
            throw Errorf($"error calling {name}: {e.Message}");
        }
        catch (System.Text.RegularExpressions.RegexMatchTimeoutException)
        {
            At(node);
            throw Errorf($"error calling {name}: regular expression timed out");
        }
    }

    private object? AndOr(object? dot, bool or, List<Node> args, object? final, GoType argType)
    {
        object? v = null;
        foreach (var arg in args)
        {
            v = EvalArg(dot, argType, arg);
            if (Truth.IsTrue(v) == or)
            {
                return v;
            }
        }
        if (final != MissingVal)
        {
            v = ValidateType(final, argType);
        }
        return v;
    }
}
