using System.Globalization;

namespace Alerting.GoTemplates.Time;

/// <summary>The POSIX TZ rule at the end of a TZif file (e.g. CET-1CEST,M3.5.0,M10.5.0/3), as Go's tzset.</summary>
internal sealed class PosixTz
{
    private string _std = "";
    private int _stdOffset;
    private string? _dst;
    private int _dstOffset;
    private Rule _start;
    private Rule _end;

    private enum RuleKind
    {
        Julian,
        DayOfYear,
        MonthWeekDay,
    }

    public static PosixTz? Parse(string s)
    {
        var tz = new PosixTz();
        var p = 0;
        if (!Name(s, ref p, out tz._std) || !Offset(s, ref p, out var stdOffset))
        {
            return null;
        }
        tz._stdOffset = -stdOffset;
        if (p == s.Length)
        {
            return tz;
        }
        if (!Name(s, ref p, out var dst))
        {
            return null;
        }
        tz._dst = dst;
        tz._dstOffset = tz._stdOffset + 3600;
        if (p < s.Length && s[p] != ',')
        {
            if (!Offset(s, ref p, out var dstOffset))
            {
                return null;
            }
            tz._dstOffset = -dstOffset;
        }
        if (p == s.Length)
        {
            // Go's default rule: M3.2.0,M11.1.0 (US).
            tz._start = new Rule(RuleKind.MonthWeekDay, 0, 2, 3, 7200);
            tz._end = new Rule(RuleKind.MonthWeekDay, 0, 1, 11, 7200);
            return tz;
        }
        if (s[p] != ',' || !ParseRule(s, ref p, out tz._start) || p >= s.Length || s[p] != ',' || !ParseRule(s, ref p, out tz._end))
        {
            return null;
        }
        return tz;
    }

    public (string Abbreviation, int Offset) Lookup(long unix)
    {
        if (_dst is null)
        {
            return (_std, _stdOffset);
        }
        var (year, _, _) = GoCalendar.CivilFromDays(GoCalendar.FloorDiv(unix, 86400));
        var ysec = unix - (GoCalendar.DaysFromCivil(year, 1, 1) * 86400);
        var startSec = RuleTime(year, _start) - _stdOffset;
        var endSec = RuleTime(year, _end) - _dstOffset;
        var inDst = startSec < endSec ? ysec >= startSec && ysec < endSec : !(ysec >= endSec && ysec < startSec);
        return inDst ? (_dst, _dstOffset) : (_std, _stdOffset);
    }

    // Seconds since the start of the year (local standard time) at which the rule fires.
    private static long RuleTime(long year, Rule r)
    {
        long day;
        switch (r.Kind)
        {
            case RuleKind.Julian:
                day = r.Day - 1;
                if (GoCalendar.IsLeap(year) && r.Day >= 60)
                {
                    day++;
                }
                break;
            case RuleKind.DayOfYear:
                day = r.Day;
                break;
            default:
                var monthStart = GoCalendar.DaysFromCivil(year, r.Month, 1);
                var weekdayOfFirst = GoCalendar.Weekday(monthStart);
                var d = r.Day - weekdayOfFirst;
                if (d < 0)
                {
                    d += 7;
                }
                for (var i = 1; i < r.Week; i++)
                {
                    if (d + 7 >= GoCalendar.DaysIn(r.Month, year))
                    {
                        break;
                    }
                    d += 7;
                }
                day = monthStart - GoCalendar.DaysFromCivil(year, 1, 1) + d;
                break;
        }
        return (day * 86400) + r.Time;
    }

    private static bool Name(string s, ref int p, out string name)
    {
        name = "";
        if (p < s.Length && s[p] == '<')
        {
            var close = s.IndexOf('>', p);
            if (close < 0)
            {
                return false;
            }
            name = s[(p + 1)..close];
            p = close + 1;
            return true;
        }
        var start = p;
        while (p < s.Length && char.IsAsciiLetter(s[p]))
        {
            p++;
        }
        name = s[start..p];
        return p - start >= 3;
    }

    private static bool Offset(string s, ref int p, out int seconds)
    {
        seconds = 0;
        var sign = 1;
        if (p < s.Length && s[p] is '+' or '-')
        {
            sign = s[p] == '-' ? -1 : 1;
            p++;
        }
        if (!Clock(s, ref p, out seconds))
        {
            return false;
        }
        seconds *= sign;
        return true;
    }

    private static bool Clock(string s, ref int p, out int seconds)
    {
        seconds = 0;
        for (var part = 0; part < 3; part++)
        {
            if (part > 0)
            {
                if (p >= s.Length || s[p] != ':')
                {
                    break;
                }
                p++;
            }
            var start = p;
            while (p < s.Length && char.IsAsciiDigit(s[p]))
            {
                p++;
            }
            if (p == start)
            {
                return false;
            }
            var n = int.Parse(s[start..p], CultureInfo.InvariantCulture);
            seconds += n * (part == 0 ? 3600 : part == 1 ? 60 : 1);
        }
        return true;
    }

    private static bool ParseRule(string s, ref int p, out Rule rule)
    {
        rule = default;
        p++;
        RuleKind kind;
        int day = 0, week = 0, month = 0;
        if (p < s.Length && s[p] == 'J')
        {
            p++;
            kind = RuleKind.Julian;
            if (!Number(s, ref p, out day))
            {
                return false;
            }
        }
        else if (p < s.Length && s[p] == 'M')
        {
            p++;
            kind = RuleKind.MonthWeekDay;
            if (!Number(s, ref p, out month) || p >= s.Length || s[p++] != '.' || !Number(s, ref p, out week)
                || p >= s.Length || s[p++] != '.' || !Number(s, ref p, out day))
            {
                return false;
            }
        }
        else
        {
            kind = RuleKind.DayOfYear;
            if (!Number(s, ref p, out day))
            {
                return false;
            }
        }
        var time = 7200;
        if (p < s.Length && s[p] == '/')
        {
            p++;
            if (!Offset(s, ref p, out time))
            {
                return false;
            }
        }
        rule = new Rule(kind, day, week, month, time);
        return true;
    }

    private static bool Number(string s, ref int p, out int n)
    {
        var start = p;
        while (p < s.Length && char.IsAsciiDigit(s[p]))
        {
            p++;
        }
        n = p > start ? int.Parse(s[start..p], CultureInfo.InvariantCulture) : 0;
        return p > start;
    }

    private readonly record struct Rule(RuleKind Kind, int Day, int Week, int Month, int Time);
}
