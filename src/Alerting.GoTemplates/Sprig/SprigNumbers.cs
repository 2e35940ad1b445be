using System.Globalization;
using System.Security.Cryptography;
using Alerting.GoTemplates.Values;

namespace Alerting.GoTemplates.Sprig;

/// <summary>sprig's conversions and integer and float math (numeric.go, functions.go): integers are int64, floats go through decimals.</summary>
internal static class SprigNumbers
{
    private static readonly GoType A = GoTypes.Any;
    private static readonly GoType As = GoTypes.AnySlice;
    private static readonly GoType I = GoTypes.Int;
    private static readonly GoType Is = new("[]int", GoKind.Slice, named: false, elem: GoTypes.Int, comparable: false);

    public static IEnumerable<GoFunc> Functions() =>
    [
        new("atoi", GoSignature.Of(GoTypes.String), a => long.TryParse((string)a[0]!, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : 0L),
        new("int64", GoSignature.Of(A), a => SprigValues.I64(SprigValues.ToInt64(a[0]))),
        new("int", GoSignature.Of(A), a => SprigValues.ToInt64(a[0])),
        new("float64", GoSignature.Of(A), a => SprigValues.ToFloat64(a[0])),
        new("toDecimal", GoSignature.Of(A), a => SprigValues.I64(ToDecimal(a[0]))),
        new("seq", GoSignature.VariadicOf(Is), a => Seq([.. a.Select(v => (long)v!)])),
        new("until", GoSignature.Of(I), a => Ints(UntilStep(0, (long)a[0]!, (long)a[0]! < 0 ? -1 : 1))),
        new("untilStep", GoSignature.Of(I, I, I), a => Ints(UntilStep((long)a[0]!, (long)a[1]!, (long)a[2]!))),
        new("add1", GoSignature.Of(A), a => SprigValues.I64(SprigValues.ToInt64(a[0]) + 1)),
        new("add", GoSignature.VariadicOf(As), a => SprigValues.I64(a.Aggregate(0L, (s, v) => s + SprigValues.ToInt64(v)))),
        new("sub", GoSignature.Of(A, A), a => SprigValues.I64(SprigValues.ToInt64(a[0]) - SprigValues.ToInt64(a[1]))),
        new("div", GoSignature.Of(A, A), a => SprigValues.I64(Div(SprigValues.ToInt64(a[0]), SprigValues.ToInt64(a[1]), (x, y) => x / y))),
        new("mod", GoSignature.Of(A, A), a => SprigValues.I64(Div(SprigValues.ToInt64(a[0]), SprigValues.ToInt64(a[1]), (x, y) => x % y))),
        new("mul", GoSignature.VariadicOf(A, As), a => SprigValues.I64(a[1..].Aggregate(SprigValues.ToInt64(a[0]), (s, v) => s * SprigValues.ToInt64(v)))),
        new("randInt", GoSignature.Of(I, I), a => RandInt((long)a[0]!, (long)a[1]!)),
        new("add1f", GoSignature.Of(A), a => Decimal(a[0], [1L], (x, y) => x + y)),
        new("addf", GoSignature.VariadicOf(As), a => Decimal(0.0, a, (x, y) => x + y)),
        new("subf", GoSignature.VariadicOf(A, As), a => Decimal(a[0], a[1..], (x, y) => x - y)),
        new("divf", GoSignature.VariadicOf(A, As), a => Decimal(a[0], a[1..], (x, y) => y == 0 ? throw new GoCallException("decimal division by zero") : decimal.Round(x / y, 16, MidpointRounding.AwayFromZero))),
        new("mulf", GoSignature.VariadicOf(A, As), a => Decimal(a[0], a[1..], (x, y) => x * y)),
        new("biggest", GoSignature.VariadicOf(A, As), a => SprigValues.I64(a.Select(SprigValues.ToInt64).Max())),
        new("max", GoSignature.VariadicOf(A, As), a => SprigValues.I64(a.Select(SprigValues.ToInt64).Max())),
        new("min", GoSignature.VariadicOf(A, As), a => SprigValues.I64(a.Select(SprigValues.ToInt64).Min())),
        new("maxf", GoSignature.VariadicOf(A, As), a => a.Select(SprigValues.ToFloat64).Aggregate(Math.Max)),
        new("minf", GoSignature.VariadicOf(A, As), a => a.Select(SprigValues.ToFloat64).Aggregate(Math.Min)),
        new("ceil", GoSignature.Of(A), a => Math.Ceiling(SprigValues.ToFloat64(a[0]))),
        new("floor", GoSignature.Of(A), a => Math.Floor(SprigValues.ToFloat64(a[0]))),
        new("round", GoSignature.VariadicOf(A, I, new GoType("[]float64", GoKind.Slice, named: false, elem: GoTypes.Float64, comparable: false)),
            a => Round(SprigValues.ToFloat64(a[0]), (long)a[1]!, a.Length > 2 ? (double)a[2]! : 0.5)),
    ];

    private static long Div(long x, long y, Func<long, long, long> op) =>
        y == 0 ? throw new GoCallException("runtime error: integer divide by zero") : x == long.MinValue && y == -1 ? (op(1, 1) == 1 ? x : 0) : op(x, y);

    private static long RandInt(long min, long max) =>
        max - min <= 0 ? throw new GoCallException("invalid argument to Intn") : min + RandomNumberGenerator.GetInt32((int)Math.Min(max - min, int.MaxValue));

    /// <summary>strconv.ParseInt(fmt.Sprint(v), 8, 64): the value's digits read as octal; 0 when they are not.</summary>
    private static long ToDecimal(object? v)
    {
        var s = SprigValues.Strval(v);
        try
        {
            return s.Length > 0 && s.TrimStart('-', '+').All(c => c is >= '0' and <= '7') ? Convert.ToInt64(s, 8) : 0;
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            return 0;
        }
    }

    private static GoSlice Ints(IEnumerable<long> items) => new(SprigValues.IntSlice, [.. items.Select(i => (object?)i)]);

    internal static List<long> UntilStep(long start, long stop, long step)
    {
        var v = new List<long>();
        if (stop < start)
        {
            for (var i = start; step < 0 && i > stop && v.Count < 1 << 20; i += step)
            {
                v.Add(i);
            }
            return v;
        }
        for (var i = start; step > 0 && i < stop && v.Count < 1 << 20; i += step)
        {
            v.Add(i);
        }
        return v;
    }

    private static string Seq(long[] p)
    {
        List<long> items;
        switch (p.Length)
        {
            case 1:
                var inc = p[0] < 1 ? -1 : 1;
                items = UntilStep(1, p[0] + inc, inc);
                break;
            case 2:
                var step = p[1] < p[0] ? -1 : 1;
                items = UntilStep(p[0], p[1] + step, step);
                break;
            case 3:
                var increment = 1;
                if (p[2] < p[0])
                {
                    increment = -1;
                    if (p[1] > 0)
                    {
                        return "";
                    }
                }
                items = UntilStep(p[0], p[2] + increment, p[1]);
                break;
            default:
                return "";
        }
        return string.Join(" ", items.Select(i => i.ToString(CultureInfo.InvariantCulture)));
    }

    /// <summary>shopspring/decimal (division to 16 places) over float64 inputs (exact decimal digits of each), back to float64.</summary>
    private static double Decimal(object? first, IEnumerable<object?> rest, Func<decimal, decimal, decimal> op)
    {
        try
        {
            var acc = ToDecimal(SprigValues.ToFloat64(first));
            foreach (var x in rest)
            {
                acc = op(acc, ToDecimal(SprigValues.ToFloat64(x)));
            }
            // decimal's own conversion to double is not correctly rounded; parsing is.
            return double.Parse(acc.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        }
        catch (OverflowException)
        {
            throw new GoCallException("decimal overflow");
        }

        static decimal ToDecimal(double d) => decimal.Parse(d.ToString("R", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    /// <summary>sprig's round: up when the fraction reaches roundOn (0.5 unless given).</summary>
    private static double Round(double val, long places, double roundOn)
    {
        var pow = Math.Pow(10, places);
        var digit = pow * val;
        var div = digit - Math.Truncate(digit);
        var round = div >= roundOn ? Math.Ceiling(digit) : Math.Floor(digit);
        return round / pow;
    }
}
