using Alerting.GoTemplates.Parsing;
using Alerting.GoTemplates.Values;

namespace Alerting.GoTemplates.Execution;

internal sealed partial class ExecState
{
    /// <summary>Go's evalArg: an argument evaluated for a parameter of type <paramref name="typ"/> (null: any).</summary>
    private object? EvalArg(object? dot, GoType? typ, Node n)
    {
        At(n);
        switch (n)
        {
            case DotNode:
                return ValidateType(dot, typ);
            case NilNode:
                if (typ is not null && CanBeNil(typ))
                {
                    return ZeroOf(typ);
                }
                throw Errorf($"cannot assign nil to {typ}");
            case FieldNode field:
                return ValidateType(EvalFieldNode(dot, field, [n], MissingVal), typ);
            case VariableNode variable:
                return ValidateType(EvalVariableNode(dot, variable, null, MissingVal), typ);
            case PipeNode pipe:
                return ValidateType(EvalPipeline(dot, pipe), typ);
            case IdentifierNode id:
                return ValidateType(EvalFunction(dot, id, id, null, MissingVal), typ);
            case ChainNode chain:
                return ValidateType(EvalChainNode(dot, chain, null, MissingVal), typ);
        }
        if (typ is null)
        {
            throw Errorf($"can't handle {n} for arg of type <nil>");
        }
        switch (typ.Kind)
        {
            case GoKind.Bool:
                return n is BoolNode b ? b.True : throw Errorf($"expected bool; found {n}");
            case GoKind.Complex:
                return n is NumberNode { IsComplex: true } c ? c.Complex128 : throw Errorf($"expected complex; found {n}");
            case GoKind.Float:
                return n is NumberNode { IsFloat: true } f ? f.Float64 : throw Errorf($"expected float; found {n}");
            case GoKind.Int:
                if (n is NumberNode { IsInt: true } i)
                {
                    return typ == GoTypes.Int ? i.Int64 : new GoInt(typ, i.Int64);
                }
                throw Errorf($"expected integer; found {n}");
            case GoKind.Interface:
                return EvalEmptyInterface(dot, n);
            case GoKind.Struct when typ == GoTypes.Value:
                return EvalEmptyInterface(dot, n);
            case GoKind.String:
                if (n is StringNode s)
                {
                    return typ == GoTypes.String ? s.Text : new GoString(typ, s.Text);
                }
                throw Errorf($"expected string; found {n}");
            case GoKind.Uint:
                if (n is NumberNode { IsUint: true } u)
                {
                    return typ == GoTypes.Uint8 ? (byte)u.Uint64 : u.Uint64;
                }
                throw Errorf($"expected unsigned integer; found {n}");
        }
        throw Errorf($"can't handle {n} for arg of type {typ}");
    }

    private object? EvalEmptyInterface(object? dot, Node n)
    {
        At(n);
        return n switch
        {
            BoolNode b => b.True,
            DotNode => dot,
            FieldNode field => EvalFieldNode(dot, field, null, MissingVal),
            IdentifierNode id => EvalFunction(dot, id, id, null, MissingVal),
            NilNode => throw Errorf("evalEmptyInterface: nil (can't happen)"),
            NumberNode number => IdealConstant(number),
            StringNode s => s.Text,
            VariableNode variable => EvalVariableNode(dot, variable, null, MissingVal),
            PipeNode pipe => EvalPipeline(dot, pipe),
            _ => throw Errorf($"can't handle assignment of {n} to empty interface argument"),
        };
    }

    /// <summary>Go's validateType: the value must be valid (or nil-able) and assignable to the type.</summary>
    private object? ValidateType(object? value, GoType? typ)
    {
        if (value is null)
        {
            if (typ is null)
            {
                return null;
            }
            if (CanBeNil(typ))
            {
                return ZeroOf(typ);
            }
            throw Errorf($"invalid value; expected {typ}");
        }
        if (typ is null || typ == GoTypes.Value)
        {
            return value;
        }
        var valueType = GoTypes.Of(value)!;
        if (!valueType.AssignableTo(typ))
        {
            throw Errorf($"wrong type for value; expected {typ}; got {valueType}");
        }
        return value;
    }

    private static bool CanBeNil(GoType typ) =>
        typ.Kind is GoKind.Func or GoKind.Interface or GoKind.Map or GoKind.Pointer or GoKind.Slice || typ == GoTypes.Value;

    /// <summary>The zero value of a nil-able type: an empty slice or map stands for Go's nil one.</summary>
    private static object? ZeroOf(GoType typ) => typ.Kind switch
    {
        GoKind.Slice => new GoSlice(typ, []),
        GoKind.Map => GoMap.Create(typ, [], typ.Elem?.Kind == GoKind.String ? "" : null),
        _ => null,
    };
}
