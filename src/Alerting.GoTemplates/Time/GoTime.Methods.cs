using Alerting.GoTemplates.Values;

namespace Alerting.GoTemplates.Time;

internal sealed partial class GoTime
{
    static GoTime()
    {
        var t = TimeType;
        var d = GoDuration.DurationType;
        var loc = GoLocation.LocationType;
        t.Method("String", GoSignature.Of(), (r, _) => GoTimeFormat.Format(T(r), GoTimeFormat.DefaultLayout))
            .Method("Format", GoSignature.Of(GoTypes.String), (r, a) => GoTimeFormat.Format(T(r), (string)a[0]!))
            .Method("Unix", GoSignature.Of(), (r, _) => I64(T(r).Unix))
            .Method("UnixMilli", GoSignature.Of(), (r, _) => I64((T(r).Unix * 1000) + (T(r).Nanos / 1_000_000)))
            .Method("UnixMicro", GoSignature.Of(), (r, _) => I64((T(r).Unix * 1_000_000) + (T(r).Nanos / 1000)))
            .Method("UnixNano", GoSignature.Of(), (r, _) => I64(unchecked((T(r).Unix * 1_000_000_000) + T(r).Nanos)))
            .Method("UTC", GoSignature.Of(), (r, _) => T(r).In(GoLocation.Utc))
            .Method("Local", GoSignature.Of(), (r, _) => T(r).In(GoLocation.Local))
            .Method("In", GoSignature.Of(loc), (r, a) => T(r).In(a[0] as GoLocation ?? throw new GoCallException("time: missing Location in call to Time.In")))
            .Method("Location", GoSignature.Of(), (r, _) => T(r).Location)
            .Method("Add", GoSignature.Of(d), (r, a) => T(r).AddNanos(((GoInt)a[0]!).Value))
            .Method("Sub", GoSignature.Of(t), (r, a) => GoDuration.Of(T(r).Sub(T(a[0]!))))
            .Method("AddDate", GoSignature.Of(GoTypes.Int, GoTypes.Int, GoTypes.Int), (r, a) => AddDate(T(r), (long)a[0]!, (long)a[1]!, (long)a[2]!))
            .Method("After", GoSignature.Of(t), (r, a) => T(r).CompareTo(T(a[0]!)) > 0)
            .Method("Before", GoSignature.Of(t), (r, a) => T(r).CompareTo(T(a[0]!)) < 0)
            .Method("Equal", GoSignature.Of(t), (r, a) => T(r).CompareTo(T(a[0]!)) == 0)
            .Method("IsZero", GoSignature.Of(), (r, _) => T(r).IsZero)
            .Method("Year", GoSignature.Of(), (r, _) => T(r).Wall().Year)
            .Method("Month", GoSignature.Of(), (r, _) => GoDuration.Month(T(r).Wall().Month))
            .Method("Day", GoSignature.Of(), (r, _) => (long)T(r).Wall().Day)
            .Method("Hour", GoSignature.Of(), (r, _) => (long)T(r).Wall().Hour)
            .Method("Minute", GoSignature.Of(), (r, _) => (long)T(r).Wall().Minute)
            .Method("Second", GoSignature.Of(), (r, _) => (long)T(r).Wall().Second)
            .Method("Nanosecond", GoSignature.Of(), (r, _) => (long)T(r).Nanos)
            .Method("YearDay", GoSignature.Of(), (r, _) => (long)T(r).Wall().YearDay)
            .Method("Weekday", GoSignature.Of(), (r, _) => GoDuration.Weekday(T(r).Wall().Weekday))
            .Method("Truncate", GoSignature.Of(d), (r, a) => RoundTo(T(r), ((GoInt)a[0]!).Value, round: false))
            .Method("Round", GoSignature.Of(d), (r, a) => RoundTo(T(r), ((GoInt)a[0]!).Value, round: true))
            .Method("GoString", GoSignature.Of(), (r, _) => GoString(T(r)))
            .Method("Zone", new GoSignature([], false, 2, false), (_, _) => null)
            .Method("ISOWeek", new GoSignature([], false, 2, false), (_, _) => null)
            .Method("Date", new GoSignature([], false, 3, false), (_, _) => null)
            .Method("Clock", new GoSignature([], false, 3, false), (_, _) => null);
    }

    private static GoTime T(object value) => (GoTime)value;

    // Time.GoString: time.Date(2009, time.November, 10, 23, 0, 0, 0, time.UTC).
    private static string GoString(GoTime t)
    {
        var w = t.Wall();
        var location = t.Location == GoLocation.Utc ? "time.UTC"
            : t.Location == GoLocation.Local ? "time.Local"
            : "time.Location(" + Strconv.GoQuote.Quote(t.Location.Name) + ")";
        return string.Create(
            System.Globalization.CultureInfo.InvariantCulture,
            $"time.Date({w.Year}, time.{GoCalendar.Months[w.Month - 1]}, {w.Day}, {w.Hour}, {w.Minute}, {w.Second}, {w.Nanos}, {location})");
    }

    private static GoInt I64(long value) => new(GoTypes.Int64, value);

    private static GoTime AddDate(GoTime t, long years, long months, long days)
    {
        var w = t.Wall();
        return Date(w.Year + years, w.Month + months, w.Day + days, w.Hour, w.Minute, w.Second, w.Nanos, t.Location);
    }

    // Truncate and Round work on the time since Go's zero time, as Go's div does.
    private static GoTime RoundTo(GoTime t, long d, bool round)
    {
        if (d <= 0)
        {
            return t;
        }
        var total = ((Int128)(t.Unix - ZeroUnix) * 1_000_000_000) + t.Nanos;
        var r = (long)(total % d);
        if (!round || (ulong)r + (ulong)r < (ulong)d)
        {
            return t.AddNanos(-r);
        }
        return t.AddNanos(d - r);
    }
}
