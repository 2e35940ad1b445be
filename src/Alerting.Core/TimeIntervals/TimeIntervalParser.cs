using System.Globalization;
using System.Text.RegularExpressions;

namespace Alerting.Core.TimeIntervals;

/// <summary>
/// Parses the parts of a time interval as Alertmanager's timeinterval package does; every method
/// throws <see cref="FormatException"/> with Alertmanager's message on bad input.
/// </summary>
public static partial class TimeIntervalParser
{
    private static readonly string[] s_weekdays = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

    private static readonly string[] s_months =
        ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];

    [GeneratedRegex(@"^(?:(?:[01][0-9]|2[0-3]):[0-5][0-9]|24:00)\z", RegexOptions.CultureInvariant)]
    private static partial Regex ValidTime();

    /// <summary>"HH:MM" to minutes of the day; 24:00 is allowed as an end.</summary>
    public static int ParseTime(string s)
    {
        if (!ValidTime().IsMatch(s))
        {
            throw new FormatException($"couldn't parse timestamp {s}, invalid format");
        }
        return int.Parse(s.AsSpan(0, 2), CultureInfo.InvariantCulture) * 60 + int.Parse(s.AsSpan(3, 2), CultureInfo.InvariantCulture);
    }

    public static TimeRange ParseTimeRange(string? start, string? end)
    {
        if (string.IsNullOrEmpty(start) || string.IsNullOrEmpty(end))
        {
            throw new FormatException("both start and end times must be provided");
        }
        var s = ParseTime(start);
        var e = ParseTime(end);
        if (s >= e)
        {
            throw new FormatException("start time cannot be equal or greater than end time");
        }
        return new TimeRange(s, e);
    }

    /// <summary><c>monday:friday</c> or <c>saturday</c>; case-insensitive.</summary>
    public static InclusiveRange ParseWeekdays(string s)
    {
        var r = ParseRange(s, Weekday);
        if (r.Begin > r.End)
        {
            throw new FormatException("start day cannot be before end day");
        }
        return r;

        static int Weekday(string part)
        {
            var i = Array.IndexOf(s_weekdays, part);
            return i >= 0 ? i : throw new FormatException($"{part} is not a valid weekday");
        }
    }

    /// <summary><c>1:5</c>, <c>-3:-1</c>, <c>15</c>: negative counts back from the end of the month.</summary>
    public static InclusiveRange ParseDaysOfMonth(string s)
    {
        var r = ParseRange(s, Integer);
        if (r.Begin == 0 || r.Begin < -31 || r.Begin > 31)
        {
            throw new FormatException($"{r.Begin} is not a valid day of the month: out of range");
        }
        if (r.End == 0 || r.End < -31 || r.End > 31)
        {
            throw new FormatException($"{r.End} is not a valid day of the month: out of range");
        }
        if (r.Begin < 0 && r.End > 0)
        {
            throw new FormatException("end day must be negative if start day is negative");
        }
        // With negative days the real order depends on the month; 28 days catches the always-wrong cases.
        var checkBegin = r.Begin < 0 ? 28 + r.Begin : r.Begin;
        var checkEnd = r.End < 0 ? 28 + r.End : r.End;
        if (checkBegin > checkEnd)
        {
            throw new FormatException($"end day {r.End} is always before start day {r.Begin}");
        }
        return r;
    }

    /// <summary><c>january:march</c>, <c>1:3</c> or <c>may</c>.</summary>
    public static InclusiveRange ParseMonths(string s)
    {
        var r = ParseRange(s, Month);
        // Alertmanager does not range-check numeric months, but month 13 can only be a mistake.
        foreach (var m in (int[])[r.Begin, r.End])
        {
            if (m is < 1 or > 12)
            {
                throw new FormatException($"{m} is not a valid month: out of range");
            }
        }
        if (r.Begin > r.End)
        {
            throw new FormatException($"end month {s_months[r.End - 1]} is before start month {s_months[r.Begin - 1]}");
        }
        return r;

        static int Month(string part)
        {
            var i = Array.IndexOf(s_months, part);
            if (i >= 0)
            {
                return i + 1;
            }
            return int.TryParse(part, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
                ? n
                : throw new FormatException($"{part} is not a valid month");
        }
    }

    /// <summary><c>2020:2022</c> or <c>2024</c>.</summary>
    public static InclusiveRange ParseYears(string s)
    {
        var r = ParseRange(s, Integer);
        if (r.Begin > r.End)
        {
            throw new FormatException($"end year {r.End} is before start year {r.Begin}");
        }
        return r;
    }

    /// <summary>
    /// An IANA zone name as Go's time.LoadLocation takes it: "" and "UTC" are UTC, "Local" the host's zone.
    /// </summary>
    public static TimeZoneInfo ParseLocation(string name)
    {
        switch (name)
        {
            case "" or "UTC":
                return TimeZoneInfo.Utc;
            case "Local":
                return TimeZoneInfo.Local;
        }
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(name);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException or System.Security.SecurityException)
        {
            throw new FormatException($"unknown time zone {name}");
        }
    }

    private static InclusiveRange ParseRange(string s, Func<string, int> member)
    {
        var lower = s.ToLowerInvariant();
        if (!lower.Contains(':', StringComparison.Ordinal))
        {
            var v = member(lower);
            return new InclusiveRange(v, v);
        }
        var parts = lower.Split(':');
        if (parts.Length != 2)
        {
            throw new FormatException($"couldn't parse range {lower}, invalid format");
        }
        return new InclusiveRange(member(parts[0]), member(parts[1]));
    }

    private static int Integer(string part) =>
        int.TryParse(part, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new FormatException($"strconv.Atoi: parsing \"{part}\": invalid syntax");
}
