using Alerting.GoTemplates.Values;

namespace Alerting.GoTemplates.Time;

/// <summary>Go's time.Time: Unix seconds, nanoseconds and a location (no monotonic reading).</summary>
internal sealed partial class GoTime : GoStruct
{
    /// <summary>Unix seconds of Go's zero time, January 1, year 1, 00:00:00 UTC.</summary>
    public const long ZeroUnix = -62135596800;

    public static readonly GoType TimeType = new("time.Time", GoKind.Struct, named: true);

    public static readonly GoTime Zero = new(ZeroUnix, 0, GoLocation.Utc);

    public GoTime(long unix, int nanos, GoLocation location)
    {
        Unix = unix;
        Nanos = nanos;
        Location = location;
    }

    public override GoType Type => TimeType;

    public long Unix { get; }

    public int Nanos { get; }

    public GoLocation Location { get; }

    // time.Time's fields are unexported: fmt prints it through String.
    public override IReadOnlyList<string> FieldNames => [];

    public bool IsZero => Unix == ZeroUnix && Nanos == 0;

    public override object? Field(int index) => throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>A DateTimeOffset as Go's time: offset 0 is UTC, another offset an unnamed fixed zone.</summary>
    public static GoTime From(DateTimeOffset value)
    {
        var ticks = value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        var unix = GoCalendar.FloorDiv(ticks, TimeSpan.TicksPerSecond);
        var nanos = (int)(GoCalendar.FloorMod(ticks, TimeSpan.TicksPerSecond) * 100);
        var offset = (int)value.Offset.TotalSeconds;
        return new GoTime(unix, nanos, offset == 0 ? GoLocation.Utc : GoLocation.Fixed("", offset));
    }

    public (string Abbreviation, int Offset) Zone() => Location.Lookup(Unix);

    /// <summary>The wall clock in the time's location.</summary>
    public Civil Wall()
    {
        var local = Unix + Zone().Offset;
        var days = GoCalendar.FloorDiv(local, 86400);
        var secOfDay = (int)(local - (days * 86400));
        var (y, m, d) = GoCalendar.CivilFromDays(days);
        var yday = (int)(days - GoCalendar.DaysFromCivil(y, 1, 1)) + 1;
        return new Civil(y, m, d, secOfDay / 3600, secOfDay / 60 % 60, secOfDay % 60, Nanos, GoCalendar.Weekday(days), yday);
    }

    public GoTime In(GoLocation location) => new(Unix, Nanos, location);

    public GoTime AddNanos(long d)
    {
        var sec = Unix + (d / 1_000_000_000);
        var nsec = Nanos + (int)(d % 1_000_000_000);
        if (nsec >= 1_000_000_000)
        {
            sec++;
            nsec -= 1_000_000_000;
        }
        else if (nsec < 0)
        {
            sec--;
            nsec += 1_000_000_000;
        }
        return new GoTime(sec, nsec, Location);
    }

    /// <summary>t.Sub(u), saturated to the Duration range as Go does.</summary>
    public long Sub(GoTime u)
    {
        var d = ((Int128)(Unix - u.Unix) * 1_000_000_000) + (Nanos - u.Nanos);
        return d > long.MaxValue ? long.MaxValue : d < long.MinValue ? long.MinValue : (long)d;
    }

    public int CompareTo(GoTime other) => Unix != other.Unix ? Unix.CompareTo(other.Unix) : Nanos.CompareTo(other.Nanos);

    /// <summary>time.Date: normalises overflowing fields and finds the zone offset.</summary>
    public static GoTime Date(long year, long month, long day, long hour, long min, long sec, long nsec, GoLocation loc)
    {
        var m = month - 1;
        year += GoCalendar.FloorDiv(m, 12);
        m = GoCalendar.FloorMod(m, 12);
        sec += GoCalendar.FloorDiv(nsec, 1_000_000_000);
        nsec = GoCalendar.FloorMod(nsec, 1_000_000_000);
        var days = GoCalendar.DaysFromCivil(year, (int)m + 1, 1) + day - 1;
        var local = (days * 86400) + (hour * 3600) + (min * 60) + sec;
        var offset = loc.Lookup(local).Offset;
        if (offset != 0)
        {
            var utc = local - offset;
            var again = loc.Lookup(utc).Offset;
            local -= again;
        }
        return new GoTime(local, (int)nsec, loc);
    }

    public override bool Equals(object? obj) => obj is GoTime t && t.Unix == Unix && t.Nanos == Nanos && t.Location == Location;

    public override int GetHashCode() => HashCode.Combine(Unix, Nanos);

    public readonly record struct Civil(long Year, int Month, int Day, int Hour, int Minute, int Second, int Nanos, int Weekday, int YearDay);
}
