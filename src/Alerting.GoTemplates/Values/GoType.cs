namespace Alerting.GoTemplates.Values;

/// <summary>reflect.Kind, reduced to what templates see.</summary>
internal enum GoKind
{
    Invalid,
    Bool,
    Int,
    Uint,
    Float,
    Complex,
    String,
    Slice,
    Map,
    Struct,
    Func,
    Interface,
    Pointer,
}

/// <summary>
/// A Go type as templates see it: its name (as reflect prints it), kind, whether it is a defined (named) type,
/// its underlying type's name (for assignability) and its methods.
/// </summary>
internal sealed class GoType(string name, GoKind kind, bool named, string? underlying = null, GoType? elem = null, bool comparable = true)
{
    private readonly Dictionary<string, GoMethod> _methods = new(StringComparer.Ordinal);

    public string Name { get; } = name;

    public GoKind Kind { get; } = kind;

    public bool Named { get; } = named;

    public string Underlying { get; } = underlying ?? name;

    public GoType? Elem { get; } = elem;

    public bool Comparable { get; } = comparable;

    public IReadOnlyDictionary<string, GoMethod> Methods => _methods;

    public GoMethod? Stringer => _methods.GetValueOrDefault("String") is { Signature.In.Length: 0, Signature.NumOut: 1 } m ? m : null;

    public GoType Method(string name, GoSignature signature, Func<object, object?[], object?> body)
    {
        _methods[name] = new GoMethod(name, signature, body);
        return this;
    }

    /// <summary>Go's AssignableTo for the types templates meet.</summary>
    public bool AssignableTo(GoType target)
    {
        if (ReferenceEquals(this, target) || target.Kind == GoKind.Interface && target.Name == "interface {}")
        {
            return true;
        }
        if (Name == target.Name)
        {
            return true;
        }
        return (!Named || !target.Named) && Underlying == target.Underlying && Kind == target.Kind;
    }

    public override string ToString() => Name;
}

/// <summary>A function or method type: parameters (the last one a slice when variadic) and results.</summary>
internal sealed record GoSignature(GoType[] In, bool Variadic, int NumOut, bool ReturnsError)
{
    public static GoSignature Of(params GoType[] parameters) => new(parameters, false, 1, false);

    public static GoSignature WithError(params GoType[] parameters) => new(parameters, false, 2, true);

    public static GoSignature VariadicOf(params GoType[] parameters) => new(parameters, true, 1, false);

    public static GoSignature VariadicWithError(params GoType[] parameters) => new(parameters, true, 2, true);
}

/// <summary>A method of a type; the body gets the receiver and the converted arguments.</summary>
internal sealed record GoMethod(string Name, GoSignature Signature, Func<object, object?[], object?> Body);

/// <summary>A function of the function map or a builtin.</summary>
internal sealed record GoFunc(string Name, GoSignature Signature, Func<object?[], object?> Body, bool Builtin = false);

/// <summary>The error a Go function returns (its second result); execution stops with "error calling NAME: ...".</summary>
internal sealed class GoCallException(string message) : Exception(message);
