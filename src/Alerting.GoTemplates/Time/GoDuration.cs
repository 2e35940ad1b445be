using System.Text;
using Alerting.GoTemplates.Values;

namespace Alerting.GoTemplates.Time;

/// <summary>time.Duration, time.Month and time.Weekday: named integers with methods.</summary>
internal static class GoDuration
{
    public static readonly GoType DurationType = new("time.Duration", GoKind.Int, named: true, underlying: "int64");

    public static readonly GoType MonthType = new GoType("time.Month", GoKind.Int, named: true, underlying: "int")
        .Method("String", GoSignature.Of(), (r, _) => MonthName(((GoInt)r).Value));

    public static readonly GoType WeekdayType = new GoType("time.Weekday", GoKind.Int, named: true, underlying: "int")
        .Method("String", GoSignature.Of(), (r, _) => DayName(((GoInt)r).Value));

    static GoDuration()
    {
        DurationType
            .Method("String", GoSignature.Of(), (r, _) => Format(D(r)))
            .Method("Hours", GoSignature.Of(), (r, _) => Split(D(r), 3_600_000_000_000))
            .Method("Minutes", GoSignature.Of(), (r, _) => Split(D(r), 60_000_000_000))
            .Method("Seconds", GoSignature.Of(), (r, _) => Split(D(r), 1_000_000_000))
            .Method("Milliseconds", GoSignature.Of(), (r, _) => Int64(D(r) / 1_000_000))
            .Method("Microseconds", GoSignature.Of(), (r, _) => Int64(D(r) / 1_000))
            .Method("Nanoseconds", GoSignature.Of(), (r, _) => Int64(D(r)))
            .Method("Abs", GoSignature.Of(), (r, _) => Of(D(r) >= 0 ? D(r) : D(r) == long.MinValue ? long.MaxValue : -D(r)))
            .Method("Round", GoSignature.Of(DurationType), (r, a) => Of(Round(D(r), D(a[0]!))))
            .Method("Truncate", GoSignature.Of(DurationType), (r, a) => Of(D(a[0]!) <= 0 ? D(r) : D(r) - (D(r) % D(a[0]!))));
    }

    public static GoInt Of(long nanoseconds) => new(DurationType, nanoseconds);

    public static GoInt Month(int month) => new(MonthType, month);

    public static GoInt Weekday(int day) => new(WeekdayType, day);

    private static GoInt Int64(long v) => new(GoTypes.Int64, v);

    private static long D(object v) => ((GoInt)v).Value;

    private static double Split(long d, long unit) => (d / unit) + ((double)(d % unit) / unit);

    private static string MonthName(long m) =>
        m is >= 1 and <= 12 ? GoCalendar.Months[m - 1] : "%!Month(" + m.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")";

    private static string DayName(long d) =>
        d is >= 0 and <= 6 ? GoCalendar.Days[d] : "%!Weekday(" + d.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")";

    private static long Round(long d, long m)
    {
        if (m <= 0)
        {
            return d;
        }
        var r = d % m;
        if (d < 0)
        {
            r = -r;
            if ((ulong)r + (ulong)r < (ulong)m)
            {
                return d + r;
            }
            var d1 = d - m + r;
            return d1 < d ? d1 : long.MinValue;
        }
        if ((ulong)r + (ulong)r < (ulong)m)
        {
            return d - r;
        }
        var d2 = d + m - r;
        return d2 > d ? d2 : long.MaxValue;
    }

    /// <summary>Duration.String: 1h2m3.5s, 1.5ms, 0s.</summary>
    public static string Format(long d)
    {
        if (d == 0)
        {
            return "0s";
        }
        var neg = d < 0;
        var u = neg ? (ulong)(-(d + 1)) + 1 : (ulong)d;
        var sb = new StringBuilder();
        if (u < 1_000_000_000)
        {
            string unit;
            int prec;
            if (u < 1_000)
            {
                prec = 0;
                unit = "ns";
            }
            else if (u < 1_000_000)
            {
                prec = 3;
                unit = "µs";
            }
            else
            {
                prec = 6;
                unit = "ms";
            }
            u = Frac(sb, u, prec);
            sb.Insert(0, u);
            sb.Append(unit);
        }
        else
        {
            u = Frac(sb, u, 9);
            sb.Insert(0, u % 60);
            sb.Append('s');
            u /= 60;
            if (u > 0)
            {
                sb.Insert(0, 'm').Insert(0, u % 60);
                u /= 60;
                if (u > 0)
                {
                    sb.Insert(0, 'h').Insert(0, u);
                }
            }
        }
        if (neg)
        {
            sb.Insert(0, '-');
        }
        return sb.ToString();
    }

    // Go's fmtFrac: the fraction of v/10^prec without trailing zeros (and no point when it is zero).
    private static ulong Frac(StringBuilder sb, ulong v, int prec)
    {
        var digits = new StringBuilder();
        var print = false;
        for (var i = 0; i < prec; i++)
        {
            var digit = v % 10;
            print = print || digit != 0;
            if (print)
            {
                digits.Insert(0, (char)('0' + (int)digit));
            }
            v /= 10;
        }
        if (print)
        {
            sb.Append('.').Append(digits);
        }
        return v;
    }
}
