using System.Numerics;

namespace Alerting.GoTemplates.Values;

/// <summary>The basic types and the mapping of CLR values to Go types.</summary>
/// <remarks>
/// Values are CLR objects: null is Go's invalid value (printed "&lt;no value&gt;"), string, bool, long (int),
/// ulong (uint), byte (uint8), double (float64), Complex (complex128); everything else is a <see cref="GoValue"/>.
/// </remarks>
internal static class GoTypes
{
    public static readonly GoType String = new("string", GoKind.String, named: true);
    public static readonly GoType Bool = new("bool", GoKind.Bool, named: true);
    public static readonly GoType Int = new("int", GoKind.Int, named: true);
    public static readonly GoType Int64 = new("int64", GoKind.Int, named: true);
    public static readonly GoType Int32 = new("int32", GoKind.Int, named: true);
    public static readonly GoType Uint = new("uint", GoKind.Uint, named: true);
    public static readonly GoType Uint8 = new("uint8", GoKind.Uint, named: true);
    public static readonly GoType Float64 = new("float64", GoKind.Float, named: true);
    public static readonly GoType Complex128 = new("complex128", GoKind.Complex, named: true);
    public static readonly GoType Any = new("interface {}", GoKind.Interface, named: false);

    /// <summary>The parameter type of builtins that take any value untouched (reflect.Value in Go).</summary>
    public static readonly GoType Value = new("reflect.Value", GoKind.Struct, named: true);
    public static readonly GoType StringSlice = new("[]string", GoKind.Slice, named: false, elem: String, comparable: false);
    public static readonly GoType AnySlice = new("[]interface {}", GoKind.Slice, named: false, elem: Any, comparable: false);
    public static readonly GoType ValueSlice = new("[]reflect.Value", GoKind.Slice, named: false, elem: Value, comparable: false);
    public static readonly GoType AnyMap = new("map[string]interface {}", GoKind.Map, named: false, elem: Any, comparable: false);

    public static GoType? Of(object? value) => value switch
    {
        null => null,
        string => String,
        bool => Bool,
        long => Int,
        double => Float64,
        ulong => Uint,
        byte => Uint8,
        int => Int32,
        Complex => Complex128,
        GoValue v => v.Type,
        _ => throw new InvalidOperationException("not a template value: " + value.GetType()),
    };

    public static GoKind KindOf(object? value) => Of(value)?.Kind ?? GoKind.Invalid;

    /// <summary>The signed integer in an int-kinded value.</summary>
    public static bool TryInt(object? value, out long i)
    {
        switch (value)
        {
            case long l:
                i = l;
                return true;
            case int n:
                i = n;
                return true;
            case GoInt g:
                i = g.Value;
                return true;
        }
        i = 0;
        return false;
    }

    public static bool TryUint(object? value, out ulong u)
    {
        switch (value)
        {
            case ulong l:
                u = l;
                return true;
            case byte b:
                u = b;
                return true;
        }
        u = 0;
        return false;
    }

    /// <summary>The text of a string-kinded value (string, template.HTML, ...).</summary>
    public static bool TryString(object? value, out string s)
    {
        switch (value)
        {
            case string str:
                s = str;
                return true;
            case GoString g:
                s = g.Value;
                return true;
        }
        s = "";
        return false;
    }
}
