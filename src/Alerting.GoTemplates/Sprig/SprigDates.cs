using System.Globalization;
using Alerting.GoTemplates.Strconv;
using Alerting.GoTemplates.Time;
using Alerting.GoTemplates.Values;

namespace Alerting.GoTemplates.Sprig;

/// <summary>sprig's date functions (date.go): formats in Go layouts, in the server's local zone unless a zone is named.</summary>
internal static class SprigDates
{
    private static readonly GoType S = GoTypes.String;
    private static readonly GoType A = GoTypes.Any;
    private static readonly GoType T = GoTime.TimeType;

    public static IEnumerable<GoFunc> Functions(TimeProvider clock)
    {
        GoTime Now() => GoTime.From(clock.GetUtcNow()).In(GoLocation.Local);
        return
        [
            new("now", GoSignature.Of(), _ => Now()),
            new("date", GoSignature.Of(S, A), a => InZone((string)a[0]!, a[1], "Local", Now)),
            new("dateInZone", GoSignature.Of(S, A, S), a => InZone((string)a[0]!, a[1], (string)a[2]!, Now)),
            new("date_in_zone", GoSignature.Of(S, A, S), a => InZone((string)a[0]!, a[1], (string)a[2]!, Now)),
            new("htmlDate", GoSignature.Of(A), a => InZone("2006-01-02", a[0], "Local", Now)),
            new("htmlDateInZone", GoSignature.Of(A, S), a => InZone("2006-01-02", a[0], (string)a[1]!, Now)),
            new("dateModify", GoSignature.Of(S, T), a => ParseDuration((string)a[0]!, out var d) is null ? ((GoTime)a[1]!).AddNanos(d) : a[1]),
            new("date_modify", GoSignature.Of(S, T), a => ParseDuration((string)a[0]!, out var d) is null ? ((GoTime)a[1]!).AddNanos(d) : a[1]),
            new("mustDateModify", GoSignature.WithError(S, T), a => MustModify((string)a[0]!, (GoTime)a[1]!)),
            new("must_date_modify", GoSignature.WithError(S, T), a => MustModify((string)a[0]!, (GoTime)a[1]!)),
            new("ago", GoSignature.Of(A), a => Ago(a[0], Now())),
            new("duration", GoSignature.Of(A), a => GoDuration.Format(Seconds(a[0]) * 1_000_000_000)),
            new("durationRound", GoSignature.Of(A), a => DurationRound(a[0], Now())),
            new("toDate", GoSignature.Of(S, S), a => ParseLocal((string)a[0]!, (string)a[1]!, out _) ?? GoTime.Zero),
            new("mustToDate", GoSignature.WithError(S, S), a => ParseLocal((string)a[0]!, (string)a[1]!, out var e) ?? throw new GoCallException(e!)),
            new("unixEpoch", GoSignature.Of(T), a => ((GoTime)a[0]!).Unix.ToString(CultureInfo.InvariantCulture)),
        ];
    }

    /// <summary>A time.Time, or an int/int32/int64 of Unix seconds; anything else is now.</summary>
    private static GoTime TimeOf(object? v, Func<GoTime> now) => v switch
    {
        GoTime t => t,
        long l => new GoTime(l, 0, GoLocation.Local),
        int i => new GoTime(i, 0, GoLocation.Local),
        GoInt { Type.Name: "int64" } g => new GoTime(g.Value, 0, GoLocation.Local),
        _ => now(),
    };

    /// <summary>dateInZone: a zone that does not load is UTC.</summary>
    internal static string InZone(string layout, object? date, string zone, Func<GoTime> now)
    {
        var location = GoLocation.Load(zone, out _) ?? GoLocation.Utc;
        return GoTimeFormat.Format(TimeOf(date, now).In(location), layout);
    }

    private static GoTime MustModify(string d, GoTime t) =>
        ParseDuration(d, out var nanos) is { } error ? throw new GoCallException(error) : t.AddNanos(nanos);

    private static string Ago(object? date, GoTime now)
    {
        var t = date switch
        {
            GoTime g => g,
            long l => new GoTime(l, 0, GoLocation.Local),
            GoInt { Type.Name: "int64" } g => new GoTime(g.Value, 0, GoLocation.Local),
            _ => now,
        };
        return GoDuration.Format(Round(now.Sub(t), 1_000_000_000));
    }

    /// <summary>duration takes a string or an int64 of seconds; an int literal is neither, so 0s (as in sprig 3.2).</summary>
    private static long Seconds(object? v) => v switch
    {
        string s => long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : 0,
        GoInt { Type.Name: "int64" } g => g.Value,
        _ => 0,
    };

    private static string DurationRound(object? v, GoTime now)
    {
        long d = v switch
        {
            string s => ParseDuration(s, out var n) is null ? n : 0,
            GoInt { Type.Name: "int64" or "time.Duration" } g => g.Value,
            GoTime t => now.Sub(t),
            _ => 0,
        };
        var u = d < 0 ? (ulong)-d : (ulong)d;
        const ulong hour = 3_600_000_000_000UL;
        (ulong Size, string Unit)[] units = [(hour * 24 * 365, "y"), (hour * 24 * 30, "mo"), (hour * 24, "d"), (hour, "h"), (60_000_000_000UL, "m"), (1_000_000_000UL, "s")];
        foreach (var (size, unit) in units)
        {
            if (u > size)
            {
                return (u / size).ToString(CultureInfo.InvariantCulture) + unit;
            }
        }
        return "0s";
    }

    /// <summary>time.Duration.Round: halfway values away from zero.</summary>
    private static long Round(long d, long m)
    {
        var r = d % m;
        if (d < 0)
        {
            r = -r;
            return r + r < m ? d + r : d - m + r;
        }
        return r + r < m ? d - r : d + m - r;
    }

    /// <summary>time.ParseInLocation(layout, value, time.Local): a time without a zone is local wall-clock time.</summary>
    private static GoTime? ParseLocal(string layout, string value, out string? error)
    {
        var t = GoTimeParse.Parse(layout, value, out error);
        if (t is null || !ReferenceEquals(t.Location, GoLocation.Utc) || ReferenceEquals(GoLocation.Local, GoLocation.Utc) || HasZone(layout))
        {
            return t;
        }
        var w = t.Wall();
        return GoTime.Date(w.Year, w.Month, w.Day, w.Hour, w.Minute, w.Second, w.Nanos, GoLocation.Local);
    }

    private static bool HasZone(string layout) =>
        layout.Contains("MST", StringComparison.Ordinal) || layout.Contains("Z07", StringComparison.Ordinal) || layout.Contains("-07", StringComparison.Ordinal);

    /// <summary>time.ParseDuration; returns Go's error text, or null and the nanoseconds.</summary>
    internal static string? ParseDuration(string s, out long nanos)
    {
        nanos = 0;
        var orig = s;
        var quoted = GoQuote.Quote(orig);
        var neg = false;
        if (s.Length > 0 && s[0] is '-' or '+')
        {
            neg = s[0] == '-';
            s = s[1..];
        }
        if (s == "0")
        {
            return null;
        }
        if (s.Length == 0)
        {
            return "time: invalid duration " + quoted;
        }
        decimal total = 0;
        while (s.Length > 0)
        {
            var i = 0;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
            }
            var whole = s[..i];
            s = s[i..];
            var frac = "";
            if (s.Length > 0 && s[0] == '.')
            {
                var j = 1;
                while (j < s.Length && char.IsAsciiDigit(s[j]))
                {
                    j++;
                }
                frac = s[1..j];
                s = s[j..];
            }
            if ((whole.Length == 0 && frac.Length == 0) || whole.Length > 20)
            {
                return "time: invalid duration " + quoted;
            }
            var k = 0;
            while (k < s.Length && s[k] != '.' && !char.IsAsciiDigit(s[k]))
            {
                k++;
            }
            if (k == 0)
            {
                return "time: missing unit in duration " + quoted;
            }
            var unit = s[..k];
            s = s[k..];
            decimal scale = unit switch
            {
                "ns" => 1m,
                "us" or "µs" or "μs" => 1_000m,
                "ms" => 1_000_000m,
                "s" => 1_000_000_000m,
                "m" => 60_000_000_000m,
                "h" => 3_600_000_000_000m,
                _ => -1m,
            };
            if (scale < 0)
            {
                return $"time: unknown unit {GoQuote.Quote(unit)} in duration {quoted}";
            }
            var number = decimal.Parse((whole.Length == 0 ? "0" : whole) + (frac.Length > 0 ? "." + frac[..Math.Min(frac.Length, 20)] : ""), CultureInfo.InvariantCulture);
            total += decimal.Truncate(number * scale);
            if (total > long.MaxValue + 1m)
            {
                return "time: invalid duration " + quoted;
            }
        }
        total = neg ? -total : total;
        if (total > long.MaxValue || total < long.MinValue)
        {
            return "time: invalid duration " + quoted;
        }
        nanos = (long)total;
        return null;
    }
}
