namespace Alerting.Core.TimeIntervals;

/// <summary>A named time interval (<c>time_intervals</c> or the older <c>mute_time_intervals</c>).</summary>
public sealed record TimeIntervalConfig(string Name, IReadOnlyList<TimeIntervalSpec> Intervals, int Line = 0)
{
    /// <summary>True when any of the intervals contains the instant, as Alertmanager's intervener checks.</summary>
    public bool Contains(DateTimeOffset instant)
    {
        foreach (var interval in Intervals)
        {
            if (interval.Contains(instant))
            {
                return true;
            }
        }
        return false;
    }
}

/// <summary>Minutes of the day, start inclusive and end exclusive: 17:00–24:00 is 1020..1440.</summary>
public readonly record struct TimeRange(int StartMinute, int EndMinute)
{
    public override string ToString() => $"{StartMinute / 60:00}:{StartMinute % 60:00}-{EndMinute / 60:00}:{EndMinute % 60:00}";
}

/// <summary>
/// An inclusive range. Weekdays run 0 (Sunday) to 6, as <see cref="DayOfWeek"/>; days of month may be
/// negative (-1 is the last day); months run 1 to 12; years are plain years.
/// </summary>
public readonly record struct InclusiveRange(int Begin, int End)
{
    public bool Contains(int value) => value >= Begin && value <= End;

    public override string ToString() => Begin == End ? $"{Begin}" : $"{Begin}:{End}";
}

/// <summary>
/// One entry of a time interval's list. A null list places no constraint; all given constraints must hold.
/// <see cref="Location"/> is the IANA name as written (null: the instant is read in its own offset).
/// </summary>
public sealed record TimeIntervalSpec
{
    public IReadOnlyList<TimeRange>? Times { get; init; }

    public IReadOnlyList<InclusiveRange>? Weekdays { get; init; }

    public IReadOnlyList<InclusiveRange>? DaysOfMonth { get; init; }

    public IReadOnlyList<InclusiveRange>? Months { get; init; }

    public IReadOnlyList<InclusiveRange>? Years { get; init; }

    public string? Location { get; init; }

    public TimeZoneInfo? TimeZone { get; init; }

    /// <summary>Alertmanager's TimeInterval.ContainsTime.</summary>
    public bool Contains(DateTimeOffset instant)
    {
        var t = TimeZone is null ? instant : TimeZoneInfo.ConvertTime(instant, TimeZone);
        if (Times is not null)
        {
            var minute = t.Hour * 60 + t.Minute;
            if (!Times.Any(r => minute >= r.StartMinute && minute < r.EndMinute))
            {
                return false;
            }
        }
        if (DaysOfMonth is not null && !DaysOfMonth.Any(r => DayOfMonthMatches(r, t)))
        {
            return false;
        }
        if (Months is not null && !Months.Any(r => r.Contains(t.Month)))
        {
            return false;
        }
        if (Weekdays is not null && !Weekdays.Any(r => r.Contains((int)t.DayOfWeek)))
        {
            return false;
        }
        return Years is null || Years.Any(r => r.Contains(t.Year));
    }

    private static bool DayOfMonthMatches(InclusiveRange range, DateTimeOffset t)
    {
        var days = DateTime.DaysInMonth(t.Year, t.Month);
        var begin = range.Begin < 0 ? days + range.Begin + 1 : range.Begin;
        var end = range.End < 0 ? days + range.End + 1 : range.End;
        // A start past the end of a short month (e.g. 31 in April) never matches that month.
        if (begin > days)
        {
            return false;
        }
        begin = Math.Clamp(begin, -days, days);
        end = Math.Clamp(end, -days, days);
        return t.Day >= begin && t.Day <= end;
    }
}
