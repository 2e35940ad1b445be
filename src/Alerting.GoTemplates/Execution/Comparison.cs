using System.Numerics;
using Alerting.GoTemplates.Formatting;
using Alerting.GoTemplates.Values;

namespace Alerting.GoTemplates.Execution;

/// <summary>Go 1.19's eq, ne, lt, le, gt and ge: basic kinds compare, signed and unsigned integers mix.</summary>
internal static class Comparison
{
    private const string BadComparisonType = "invalid type for comparison";
    private const string BadComparison = "incompatible types for comparison";
    private const string NoComparison = "missing argument for comparison";

    private enum ComparisonKind
    {
        Invalid,
        Bool,
        Complex,
        Int,
        Float,
        String,
        Uint,
    }

    private static ComparisonKind BasicKind(object? v) => GoTypes.KindOf(v) switch
    {
        GoKind.Bool => ComparisonKind.Bool,
        GoKind.Int => ComparisonKind.Int,
        GoKind.Uint => ComparisonKind.Uint,
        GoKind.Float => ComparisonKind.Float,
        GoKind.Complex => ComparisonKind.Complex,
        GoKind.String => ComparisonKind.String,
        _ => ComparisonKind.Invalid,
    };

    public static bool Eq(object? arg1, IReadOnlyList<object?> arg2)
    {
        if (arg2.Count == 0)
        {
            throw new GoCallException(NoComparison);
        }
        var k1 = BasicKind(arg1);
        foreach (var arg in arg2)
        {
            var k2 = BasicKind(arg);
            bool truth;
            if (k1 != k2)
            {
                if (k1 == ComparisonKind.Int && k2 == ComparisonKind.Uint)
                {
                    truth = Int(arg1) >= 0 && (ulong)Int(arg1) == Uint(arg);
                }
                else if (k1 == ComparisonKind.Uint && k2 == ComparisonKind.Int)
                {
                    truth = Int(arg) >= 0 && Uint(arg1) == (ulong)Int(arg);
                }
                else if (arg1 is not null && arg is not null)
                {
                    throw new GoCallException(BadComparison);
                }
                else
                {
                    truth = false;
                }
            }
            else
            {
                truth = k1 switch
                {
                    ComparisonKind.Bool => (bool)arg1! == (bool)arg!,
                    ComparisonKind.Complex => (Complex)arg1! == (Complex)arg!,
                    ComparisonKind.Float => (double)arg1! == (double)arg!,
                    ComparisonKind.Int => Int(arg1) == Int(arg),
                    ComparisonKind.String => Str(arg1) == Str(arg),
                    ComparisonKind.Uint => Uint(arg1) == Uint(arg),
                    _ => EqualOther(arg1, arg),
                };
            }
            if (truth)
            {
                return true;
            }
        }
        return false;
    }

    // Maps, slices, structs and nil: same kind (or nil) required, then Go's == on comparable types.
    private static bool EqualOther(object? arg1, object? arg)
    {
        var kind1 = GoTypes.KindOf(arg1);
        var kind2 = GoTypes.KindOf(arg);
        if (kind1 != kind2 && kind1 != GoKind.Invalid && kind2 != GoKind.Invalid)
        {
            throw new GoCallException(
                $"non-comparable types {GoFmt.Sprintf("%s", [arg1])}: {GoTypes.Of(arg1)}, {GoTypes.Of(arg)}: {GoFmt.Sprint(arg)}");
        }
        if (arg1 is null || arg is null)
        {
            return arg1 is null && arg is null;
        }
        if (!GoTypes.Of(arg)!.Comparable)
        {
            throw new GoCallException($"non-comparable type {GoFmt.Sprintf("%s", [arg])}: {GoTypes.Of(arg)}");
        }
        return GoTypes.Of(arg1) == GoTypes.Of(arg) && arg1.Equals(arg);
    }

    public static bool Lt(object? arg1, object? arg2)
    {
        var k1 = BasicKind(arg1);
        if (k1 == ComparisonKind.Invalid)
        {
            throw new GoCallException(BadComparisonType);
        }
        var k2 = BasicKind(arg2);
        if (k2 == ComparisonKind.Invalid)
        {
            throw new GoCallException(BadComparisonType);
        }
        if (k1 != k2)
        {
            if (k1 == ComparisonKind.Int && k2 == ComparisonKind.Uint)
            {
                return Int(arg1) < 0 || (ulong)Int(arg1) < Uint(arg2);
            }
            if (k1 == ComparisonKind.Uint && k2 == ComparisonKind.Int)
            {
                return Int(arg2) >= 0 && Uint(arg1) < (ulong)Int(arg2);
            }
            throw new GoCallException(BadComparison);
        }
        return k1 switch
        {
            ComparisonKind.Bool or ComparisonKind.Complex => throw new GoCallException(BadComparisonType),
            ComparisonKind.Float => (double)arg1! < (double)arg2!,
            ComparisonKind.Int => Int(arg1) < Int(arg2),
            ComparisonKind.String => Alerting.Core.Labels.Utf8Comparer.Instance.Compare(Str(arg1), Str(arg2)) < 0,
            _ => Uint(arg1) < Uint(arg2),
        };
    }

    public static bool Le(object? arg1, object? arg2) => Lt(arg1, arg2) || Eq(arg1, [arg2]);

    public static bool Gt(object? arg1, object? arg2) => !Le(arg1, arg2);

    public static bool Ge(object? arg1, object? arg2) => !Lt(arg1, arg2);

    private static long Int(object? v) => GoTypes.TryInt(v, out var i) ? i : 0;

    private static ulong Uint(object? v) => GoTypes.TryUint(v, out var u) ? u : 0;

    private static string Str(object? v) => GoTypes.TryString(v, out var s) ? s : "";
}
