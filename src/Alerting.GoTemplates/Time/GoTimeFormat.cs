using System.Globalization;
using System.Text;

namespace Alerting.GoTemplates.Time;

/// <summary>Go's Time.Format with reference-time layouts (Mon Jan 2 15:04:05 MST 2006).</summary>
internal static class GoTimeFormat
{
    public const string DefaultLayout = "2006-01-02 15:04:05.999999999 -0700 MST";

    internal enum Std
    {
        None, LongMonth, Month, NumMonth, ZeroMonth, LongWeekDay, WeekDay, Day, UnderDay, ZeroDay, UnderYearDay, ZeroYearDay,
        Hour, Hour12, ZeroHour12, Minute, ZeroMinute, Second, ZeroSecond, LongYear, Year, PM, Pm, TZ,
        Iso8601TZ, Iso8601SecondsTZ, Iso8601ShortTZ, Iso8601ColonTZ, Iso8601ColonSecondsTZ,
        NumTZ, NumSecondsTz, NumShortTZ, NumColonTZ, NumColonSecondsTZ, FracSecond0, FracSecond9,
    }

    private static readonly Std[] Std0x = [Std.ZeroMonth, Std.ZeroDay, Std.ZeroHour12, Std.ZeroMinute, Std.ZeroSecond, Std.Year];

    public static string Format(GoTime t, string layout)
    {
        var (abbreviation, offset) = t.Zone();
        var w = t.Wall();
        var sb = new StringBuilder(layout.Length + 10);
        while (layout.Length > 0)
        {
            var (prefix, std, digits, separator, suffix) = NextChunk(layout);
            sb.Append(prefix);
            if (std == Std.None)
            {
                break;
            }
            layout = suffix;
            switch (std)
            {
                case Std.Year:
                    AppendInt(sb, w.Year % 100, 2);
                    break;
                case Std.LongYear:
                    AppendInt(sb, w.Year, 4);
                    break;
                case Std.Month:
                    sb.Append(GoCalendar.Months[w.Month - 1], 0, 3);
                    break;
                case Std.LongMonth:
                    sb.Append(GoCalendar.Months[w.Month - 1]);
                    break;
                case Std.NumMonth:
                    AppendInt(sb, w.Month, 0);
                    break;
                case Std.ZeroMonth:
                    AppendInt(sb, w.Month, 2);
                    break;
                case Std.WeekDay:
                    sb.Append(GoCalendar.Days[w.Weekday], 0, 3);
                    break;
                case Std.LongWeekDay:
                    sb.Append(GoCalendar.Days[w.Weekday]);
                    break;
                case Std.Day:
                    AppendInt(sb, w.Day, 0);
                    break;
                case Std.UnderDay:
                    if (w.Day < 10)
                    {
                        sb.Append(' ');
                    }
                    AppendInt(sb, w.Day, 0);
                    break;
                case Std.ZeroDay:
                    AppendInt(sb, w.Day, 2);
                    break;
                case Std.UnderYearDay:
                    sb.Append(w.YearDay < 100 ? w.YearDay < 10 ? "  " : " " : "");
                    AppendInt(sb, w.YearDay, 0);
                    break;
                case Std.ZeroYearDay:
                    AppendInt(sb, w.YearDay, 3);
                    break;
                case Std.Hour:
                    AppendInt(sb, w.Hour, 2);
                    break;
                case Std.Hour12:
                    AppendInt(sb, w.Hour % 12 == 0 ? 12 : w.Hour % 12, 0);
                    break;
                case Std.ZeroHour12:
                    AppendInt(sb, w.Hour % 12 == 0 ? 12 : w.Hour % 12, 2);
                    break;
                case Std.Minute:
                    AppendInt(sb, w.Minute, 0);
                    break;
                case Std.ZeroMinute:
                    AppendInt(sb, w.Minute, 2);
                    break;
                case Std.Second:
                    AppendInt(sb, w.Second, 0);
                    break;
                case Std.ZeroSecond:
                    AppendInt(sb, w.Second, 2);
                    break;
                case Std.PM:
                    sb.Append(w.Hour >= 12 ? "PM" : "AM");
                    break;
                case Std.Pm:
                    sb.Append(w.Hour >= 12 ? "pm" : "am");
                    break;
                case Std.Iso8601TZ or Std.Iso8601ColonTZ or Std.Iso8601SecondsTZ or Std.Iso8601ShortTZ or Std.Iso8601ColonSecondsTZ
                    or Std.NumTZ or Std.NumColonTZ or Std.NumSecondsTz or Std.NumShortTZ or Std.NumColonSecondsTZ:
                    AppendNumericZone(sb, std, offset);
                    break;
                case Std.TZ:
                    if (abbreviation.Length > 0)
                    {
                        sb.Append(abbreviation);
                        break;
                    }
                    var zone = offset / 60;
                    sb.Append(zone < 0 ? '-' : '+');
                    zone = Math.Abs(zone);
                    AppendInt(sb, zone / 60, 2);
                    AppendInt(sb, zone % 60, 2);
                    break;
                case Std.FracSecond0:
                    sb.Append(separator);
                    sb.Append(w.Nanos.ToString("D9", CultureInfo.InvariantCulture), 0, digits);
                    break;
                case Std.FracSecond9:
                    var frac = w.Nanos.ToString("D9", CultureInfo.InvariantCulture)[..digits].TrimEnd('0');
                    if (frac.Length > 0)
                    {
                        sb.Append(separator).Append(frac);
                    }
                    break;
            }
        }
        return sb.ToString();
    }

    private static void AppendNumericZone(StringBuilder sb, Std std, int offset)
    {
        if (offset == 0 && std is Std.Iso8601TZ or Std.Iso8601ColonTZ or Std.Iso8601SecondsTZ or Std.Iso8601ShortTZ or Std.Iso8601ColonSecondsTZ)
        {
            sb.Append('Z');
            return;
        }
        var zone = offset / 60;
        var abs = offset;
        if (zone < 0)
        {
            sb.Append('-');
            zone = -zone;
            abs = -abs;
        }
        else
        {
            sb.Append('+');
        }
        AppendInt(sb, zone / 60, 2);
        if (std is Std.Iso8601ColonTZ or Std.NumColonTZ or Std.Iso8601ColonSecondsTZ or Std.NumColonSecondsTZ)
        {
            sb.Append(':');
        }
        if (std is not Std.NumShortTZ and not Std.Iso8601ShortTZ)
        {
            AppendInt(sb, zone % 60, 2);
        }
        if (std is Std.Iso8601SecondsTZ or Std.NumSecondsTz or Std.NumColonSecondsTZ or Std.Iso8601ColonSecondsTZ)
        {
            if (std is Std.NumColonSecondsTZ or Std.Iso8601ColonSecondsTZ)
            {
                sb.Append(':');
            }
            AppendInt(sb, abs % 60, 2);
        }
    }

    private static void AppendInt(StringBuilder sb, long x, int width)
    {
        if (x < 0)
        {
            sb.Append('-');
            x = -x;
        }
        var s = x.ToString(CultureInfo.InvariantCulture);
        for (var i = s.Length; i < width; i++)
        {
            sb.Append('0');
        }
        sb.Append(s);
    }

    private static bool StartsWithLower(string s, int i) => i < s.Length && s[i] is >= 'a' and <= 'z';

    private static bool Has(string s, int i, string what) => string.CompareOrdinal(s, i, what, 0, what.Length) == 0 && s.Length - i >= what.Length;

    internal static (string Prefix, Std Std, int Digits, char Separator, string Suffix) NextChunk(string l)
    {
        for (var i = 0; i < l.Length; i++)
        {
            var c = l[i];
            switch (c)
            {
                case 'J' when Has(l, i, "Jan"):
                    if (Has(l, i, "January"))
                    {
                        return (l[..i], Std.LongMonth, 0, ' ', l[(i + 7)..]);
                    }
                    if (!StartsWithLower(l, i + 3))
                    {
                        return (l[..i], Std.Month, 0, ' ', l[(i + 3)..]);
                    }
                    break;
                case 'M' when l.Length >= i + 3:
                    if (Has(l, i, "Mon"))
                    {
                        if (Has(l, i, "Monday"))
                        {
                            return (l[..i], Std.LongWeekDay, 0, ' ', l[(i + 6)..]);
                        }
                        if (!StartsWithLower(l, i + 3))
                        {
                            return (l[..i], Std.WeekDay, 0, ' ', l[(i + 3)..]);
                        }
                    }
                    if (Has(l, i, "MST"))
                    {
                        return (l[..i], Std.TZ, 0, ' ', l[(i + 3)..]);
                    }
                    break;
                case '0':
                    if (l.Length >= i + 2 && l[i + 1] is >= '1' and <= '6')
                    {
                        return (l[..i], Std0x[l[i + 1] - '1'], 0, ' ', l[(i + 2)..]);
                    }
                    if (Has(l, i, "002"))
                    {
                        return (l[..i], Std.ZeroYearDay, 0, ' ', l[(i + 3)..]);
                    }
                    break;
                case '1':
                    if (l.Length >= i + 2 && l[i + 1] == '5')
                    {
                        return (l[..i], Std.Hour, 0, ' ', l[(i + 2)..]);
                    }
                    return (l[..i], Std.NumMonth, 0, ' ', l[(i + 1)..]);
                case '2':
                    if (Has(l, i, "2006"))
                    {
                        return (l[..i], Std.LongYear, 0, ' ', l[(i + 4)..]);
                    }
                    return (l[..i], Std.Day, 0, ' ', l[(i + 1)..]);
                case '_':
                    if (l.Length >= i + 2 && l[i + 1] == '2')
                    {
                        if (Has(l, i + 1, "2006"))
                        {
                            return (l[..(i + 1)], Std.LongYear, 0, ' ', l[(i + 5)..]);
                        }
                        return (l[..i], Std.UnderDay, 0, ' ', l[(i + 2)..]);
                    }
                    if (Has(l, i, "__2"))
                    {
                        return (l[..i], Std.UnderYearDay, 0, ' ', l[(i + 3)..]);
                    }
                    break;
                case '3':
                    return (l[..i], Std.Hour12, 0, ' ', l[(i + 1)..]);
                case '4':
                    return (l[..i], Std.Minute, 0, ' ', l[(i + 1)..]);
                case '5':
                    return (l[..i], Std.Second, 0, ' ', l[(i + 1)..]);
                case 'P' when Has(l, i, "PM"):
                    return (l[..i], Std.PM, 0, ' ', l[(i + 2)..]);
                case 'p' when Has(l, i, "pm"):
                    return (l[..i], Std.Pm, 0, ' ', l[(i + 2)..]);
                case '-' or 'Z':
                    var zone = ZoneChunk(l, i);
                    if (zone.Std != Std.None)
                    {
                        return (l[..i], zone.Std, 0, ' ', l[(i + zone.Length)..]);
                    }
                    break;
                case '.' or ',':
                    if (i + 1 < l.Length && l[i + 1] is '0' or '9')
                    {
                        var ch = l[i + 1];
                        var j = i + 1;
                        while (j < l.Length && l[j] == ch)
                        {
                            j++;
                        }
                        if (!(j < l.Length && char.IsAsciiDigit(l[j])))
                        {
                            return (l[..i], ch == '0' ? Std.FracSecond0 : Std.FracSecond9, Math.Min(j - (i + 1), 9), c, l[j..]);
                        }
                    }
                    break;
            }
        }
        return (l, Std.None, 0, ' ', "");
    }

    private static (Std Std, int Length) ZoneChunk(string l, int i)
    {
        var iso = l[i] == 'Z';
        string[] forms = iso ? ["Z070000", "Z07:00:00", "Z0700", "Z07:00", "Z07"] : ["-070000", "-07:00:00", "-0700", "-07:00", "-07"];
        Std[] stds = iso
            ? [Std.Iso8601SecondsTZ, Std.Iso8601ColonSecondsTZ, Std.Iso8601TZ, Std.Iso8601ColonTZ, Std.Iso8601ShortTZ]
            : [Std.NumSecondsTz, Std.NumColonSecondsTZ, Std.NumTZ, Std.NumColonTZ, Std.NumShortTZ];
        for (var k = 0; k < forms.Length; k++)
        {
            if (Has(l, i, forms[k]))
            {
                return (stds[k], forms[k].Length);
            }
        }
        return (Std.None, 0);
    }
}
