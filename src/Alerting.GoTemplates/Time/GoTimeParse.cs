using Alerting.GoTemplates.Strconv;
using Std = Alerting.GoTemplates.Time.GoTimeFormat.Std;

namespace Alerting.GoTemplates.Time;

/// <summary>Go's time.ParseInLocation(layout, value, time.UTC).</summary>
internal static class GoTimeParse
{
    public static GoTime? Parse(string layout, string value, out string? error)
    {
        var aLayout = layout;
        var aValue = value;
        long year = 0;
        int month = -1, day = -1, yday = -1, hour = 0, min = 0, sec = 0, nsec = 0, zoneOffset = -1;
        var pm = false;
        var am = false;
        GoLocation? z = null;
        var zoneName = "";
        error = null;
        while (true)
        {
            var (prefix, std, digits, _, suffix) = GoTimeFormat.NextChunk(layout);
            var stdText = layout[prefix.Length..(layout.Length - suffix.Length)];
            if (!Skip(ref value, prefix))
            {
                error = Bad(aLayout, aValue, prefix, value);
                return null;
            }
            if (std == Std.None)
            {
                if (value.Length != 0)
                {
                    error = $"parsing time {GoQuote.Quote(aValue)}: extra text: {GoQuote.Quote(value)}";
                    return null;
                }
                break;
            }
            layout = suffix;
            var hold = value;
            var ok = true;
            string? range = null;
            switch (std)
            {
                case Std.Year:
                    var y2 = 0;
                    ok = value.Length >= 2 && Atoi(value[..2], out y2);
                    if (ok)
                    {
                        year = y2 >= 69 ? y2 + 1900 : y2 + 2000;
                        value = value[2..];
                    }
                    break;
                case Std.LongYear:
                    var y4 = 0;
                    ok = value.Length >= 4 && char.IsAsciiDigit(value[0]) && Atoi(value[..4], out y4);
                    if (ok)
                    {
                        year = y4;
                        value = value[4..];
                    }
                    break;
                case Std.Month or Std.LongMonth:
                    ok = Lookup(GoCalendar.Months, std == Std.Month, ref value, out month);
                    month++;
                    break;
                case Std.NumMonth or Std.ZeroMonth:
                    ok = GetNum(ref value, std == Std.ZeroMonth, out month);
                    range = ok && month is <= 0 or > 12 ? "month" : null;
                    break;
                case Std.WeekDay or Std.LongWeekDay:
                    ok = Lookup(GoCalendar.Days, std == Std.WeekDay, ref value, out _);
                    break;
                case Std.Day or Std.UnderDay or Std.ZeroDay:
                    if (std == Std.UnderDay && value.StartsWith(' '))
                    {
                        value = value[1..];
                    }
                    ok = GetNum(ref value, std == Std.ZeroDay, out day);
                    break;
                case Std.UnderYearDay or Std.ZeroYearDay:
                    for (var i = 0; i < 2 && std == Std.UnderYearDay && value.StartsWith(' '); i++)
                    {
                        value = value[1..];
                    }
                    ok = GetNum3(ref value, std == Std.ZeroYearDay, out yday);
                    break;
                case Std.Hour:
                    ok = GetNum(ref value, false, out hour);
                    range = hour is < 0 or >= 24 ? "hour" : null;
                    break;
                case Std.Hour12 or Std.ZeroHour12:
                    ok = GetNum(ref value, std == Std.ZeroHour12, out hour);
                    range = hour is < 0 or > 12 ? "hour" : null;
                    break;
                case Std.Minute or Std.ZeroMinute:
                    ok = GetNum(ref value, std == Std.ZeroMinute, out min);
                    range = min is < 0 or >= 60 ? "minute" : null;
                    break;
                case Std.Second or Std.ZeroSecond:
                    ok = GetNum(ref value, std == Std.ZeroSecond, out sec);
                    if (!ok)
                    {
                        break;
                    }
                    if (sec is < 0 or >= 60)
                    {
                        range = "second";
                        break;
                    }
                    if (value.Length >= 2 && value[0] is '.' or ',' && char.IsAsciiDigit(value[1])
                        && GoTimeFormat.NextChunk(layout).Std is not (Std.FracSecond0 or Std.FracSecond9))
                    {
                        var n = 2;
                        while (n < value.Length && char.IsAsciiDigit(value[n]))
                        {
                            n++;
                        }
                        nsec = Nanos(value[1..n]);
                        value = value[n..];
                    }
                    break;
                case Std.PM or Std.Pm:
                    ok = value.Length >= 2;
                    if (ok)
                    {
                        var p = value[..2];
                        value = value[2..];
                        var upper = std == Std.PM;
                        pm = p == (upper ? "PM" : "pm");
                        am = p == (upper ? "AM" : "am");
                        ok = pm || am;
                    }
                    break;
                case Std.TZ:
                    if (value.StartsWith("UTC", StringComparison.Ordinal))
                    {
                        z = GoLocation.Utc;
                        value = value[3..];
                        break;
                    }
                    var len = 0;
                    while (len < value.Length && char.IsAsciiLetterUpper(value[len]))
                    {
                        len++;
                    }
                    ok = len >= 3;
                    if (ok)
                    {
                        zoneName = value[..len];
                        value = value[len..];
                    }
                    break;
                case Std.FracSecond0:
                    ok = value.Length >= 1 + digits && value[0] is '.' or ',';
                    if (ok)
                    {
                        nsec = Nanos(value[1..(1 + digits)]);
                        value = value[(1 + digits)..];
                    }
                    break;
                case Std.FracSecond9:
                    if (value.Length < 2 || value[0] is not ('.' or ',') || !char.IsAsciiDigit(value[1]))
                    {
                        break;
                    }
                    var k = 1;
                    while (k < value.Length && char.IsAsciiDigit(value[k]))
                    {
                        k++;
                    }
                    nsec = Nanos(value[1..k]);
                    value = value[k..];
                    break;
                default:
                    ok = ParseZone(std, ref value, ref z, ref zoneOffset);
                    break;
            }
            if (range is not null)
            {
                error = $"parsing time {GoQuote.Quote(aValue)}: {range} out of range";
                return null;
            }
            if (!ok)
            {
                error = Bad(aLayout, aValue, stdText, hold);
                return null;
            }
        }
        if (pm && hour < 12)
        {
            hour += 12;
        }
        else if (am && hour == 12)
        {
            hour = 0;
        }
        if (yday >= 0)
        {
            var start = GoCalendar.DaysFromCivil(year, 1, 1);
            (_, month, day) = GoCalendar.CivilFromDays(start + yday - 1);
        }
        else
        {
            month = month < 0 ? 1 : month;
            day = day < 0 ? 1 : day;
        }
        if (day < 1 || day > GoCalendar.DaysIn(month, year))
        {
            error = $"parsing time {GoQuote.Quote(aValue)}: day out of range";
            return null;
        }
        if (z is not null)
        {
            return GoTime.Date(year, month, day, hour, min, sec, nsec, z);
        }
        var utc = GoTime.Date(year, month, day, hour, min, sec, nsec, GoLocation.Utc);
        if (zoneOffset != -1)
        {
            return zoneOffset == 0 && zoneName is "" or "UTC"
                ? utc
                : new GoTime(utc.Unix - zoneOffset, utc.Nanos, GoLocation.Fixed(zoneName, zoneOffset));
        }
        if (zoneName.Length > 0)
        {
            return new GoTime(utc.Unix, utc.Nanos, GoLocation.Fixed(zoneName, 0));
        }
        return utc;
    }

    private static bool ParseZone(Std std, ref string value, ref GoLocation? z, ref int zoneOffset)
    {
        if (std is Std.Iso8601TZ or Std.Iso8601ShortTZ or Std.Iso8601ColonTZ && value.StartsWith('Z'))
        {
            value = value[1..];
            z = GoLocation.Utc;
            return true;
        }
        string sign, hh, mm, ss;
        switch (std)
        {
            case Std.Iso8601ColonTZ or Std.NumColonTZ:
                if (value.Length < 6 || value[3] != ':')
                {
                    return false;
                }
                (sign, hh, mm, ss, value) = (value[..1], value[1..3], value[4..6], "00", value[6..]);
                break;
            case Std.NumShortTZ or Std.Iso8601ShortTZ:
                if (value.Length < 3)
                {
                    return false;
                }
                (sign, hh, mm, ss, value) = (value[..1], value[1..3], "00", "00", value[3..]);
                break;
            case Std.Iso8601ColonSecondsTZ or Std.NumColonSecondsTZ:
                if (value.Length < 9 || value[3] != ':' || value[6] != ':')
                {
                    return false;
                }
                (sign, hh, mm, ss, value) = (value[..1], value[1..3], value[4..6], value[7..9], value[9..]);
                break;
            case Std.Iso8601SecondsTZ or Std.NumSecondsTz:
                if (value.Length < 7)
                {
                    return false;
                }
                (sign, hh, mm, ss, value) = (value[..1], value[1..3], value[3..5], value[5..7], value[7..]);
                break;
            default:
                if (value.Length < 5)
                {
                    return false;
                }
                (sign, hh, mm, ss, value) = (value[..1], value[1..3], value[3..5], "00", value[5..]);
                break;
        }
        if (!Atoi(hh, out var h) || !Atoi(mm, out var m) || !Atoi(ss, out var s) || sign is not ("+" or "-"))
        {
            return false;
        }
        zoneOffset = ((h * 60) + m) * 60 + s;
        if (sign == "-")
        {
            zoneOffset = -zoneOffset;
        }
        return true;
    }

    private static string Bad(string layout, string value, string layoutElem, string valueElem) =>
        $"parsing time {GoQuote.Quote(value)} as {GoQuote.Quote(layout)}: cannot parse {GoQuote.Quote(valueElem)} as {GoQuote.Quote(layoutElem)}";

    private static bool Skip(ref string value, string prefix)
    {
        while (prefix.Length > 0)
        {
            if (prefix[0] == ' ')
            {
                if (value.Length > 0 && value[0] != ' ')
                {
                    return false;
                }
                prefix = prefix.TrimStart(' ');
                value = value.TrimStart(' ');
                continue;
            }
            if (value.Length == 0 || value[0] != prefix[0])
            {
                return false;
            }
            prefix = prefix[1..];
            value = value[1..];
        }
        return true;
    }

    private static bool Lookup(string[] names, bool abbreviated, ref string value, out int index)
    {
        for (index = 0; index < names.Length; index++)
        {
            var name = abbreviated ? names[index][..3] : names[index];
            if (value.Length >= name.Length && string.Equals(value[..name.Length], name, StringComparison.OrdinalIgnoreCase))
            {
                value = value[name.Length..];
                return true;
            }
        }
        index = -1;
        return false;
    }

    private static bool GetNum(ref string s, bool fixedTwo, out int n)
    {
        n = 0;
        if (s.Length == 0 || !char.IsAsciiDigit(s[0]))
        {
            return false;
        }
        if (s.Length == 1 || !char.IsAsciiDigit(s[1]))
        {
            if (fixedTwo)
            {
                return false;
            }
            n = s[0] - '0';
            s = s[1..];
            return true;
        }
        n = ((s[0] - '0') * 10) + (s[1] - '0');
        s = s[2..];
        return true;
    }

    private static bool GetNum3(ref string s, bool fixedThree, out int n)
    {
        n = 0;
        var i = 0;
        while (i < 3 && i < s.Length && char.IsAsciiDigit(s[i]))
        {
            n = (n * 10) + (s[i] - '0');
            i++;
        }
        if (i == 0 || (fixedThree && i != 3))
        {
            return false;
        }
        s = s[i..];
        return true;
    }

    private static bool Atoi(string s, out int n) => int.TryParse(s, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out n);

    private static int Nanos(string digits)
    {
        var d = digits.Length > 9 ? digits[..9] : digits.PadRight(9, '0');
        return int.Parse(d, System.Globalization.CultureInfo.InvariantCulture);
    }
}
