using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Alerting.Core.Configuration;

/// <summary>
/// Prometheus' model.Duration: <c>1d2h30m</c>, <c>500ms</c>, units y w d h m s ms in that order,
/// a bare <c>0</c> allowed. A year is 365 days and a day 24 hours, as in Prometheus.
/// </summary>
public static partial class Duration
{
    private const long MsPerSecond = 1000;
    private const long MsPerMinute = 60 * MsPerSecond;
    private const long MsPerHour = 60 * MsPerMinute;
    private const long MsPerDay = 24 * MsPerHour;
    private const long MsPerWeek = 7 * MsPerDay;
    private const long MsPerYear = 365 * MsPerDay;

    // Go's time.Duration counts nanoseconds in an int64: the same ceiling keeps both sides in agreement.
    private const long MaxMs = long.MaxValue / 1_000_000;

    [GeneratedRegex(@"^(?:([0-9]+)y)?(?:([0-9]+)w)?(?:([0-9]+)d)?(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s)?(?:([0-9]+)ms)?\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    private static readonly long[] s_units = [MsPerYear, MsPerWeek, MsPerDay, MsPerHour, MsPerMinute, MsPerSecond, 1];

    /// <summary>Parses a duration; throws <see cref="FormatException"/> with Prometheus' message.</summary>
    public static TimeSpan Parse(string s) =>
        TryParse(s, out var value, out var error) ? value : throw new FormatException(error);

    public static bool TryParse(string s, out TimeSpan value, out string? error)
    {
        value = TimeSpan.Zero;
        error = null;
        switch (s)
        {
            case "0":
                return true;
            case "":
                error = "empty duration string";
                return false;
        }
        var m = Pattern().Match(s);
        if (!m.Success)
        {
            error = $"not a valid duration string: \"{s}\"";
            return false;
        }
        long total = 0;
        for (var i = 0; i < s_units.Length; i++)
        {
            var group = m.Groups[i + 1];
            if (!group.Success)
            {
                continue;
            }
            if (!long.TryParse(group.ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
                || n > MaxMs / s_units[i]
                || (total += n * s_units[i]) > MaxMs)
            {
                error = "duration out of range";
                return false;
            }
        }
        value = TimeSpan.FromMilliseconds(total);
        return true;
    }

    /// <summary>Prometheus' Duration.String(): <c>1h30m</c>, <c>90d</c>, <c>0s</c>.</summary>
    public static string Format(TimeSpan duration)
    {
        var ms = (long)duration.TotalMilliseconds;
        if (ms == 0)
        {
            return "0s";
        }
        var sb = new StringBuilder();
        if (ms < 0)
        {
            sb.Append('-');
            ms = -ms;
        }
        // Years and weeks only when exact: "90d" reads better than "12w6d".
        Unit(ref ms, "y", MsPerYear, exact: true);
        Unit(ref ms, "w", MsPerWeek, exact: true);
        Unit(ref ms, "d", MsPerDay, exact: false);
        Unit(ref ms, "h", MsPerHour, exact: false);
        Unit(ref ms, "m", MsPerMinute, exact: false);
        Unit(ref ms, "s", MsPerSecond, exact: false);
        Unit(ref ms, "ms", 1, exact: false);
        return sb.ToString();

        void Unit(ref long rest, string unit, long mult, bool exact)
        {
            if (exact && rest % mult != 0)
            {
                return;
            }
            var v = rest / mult;
            if (v > 0)
            {
                sb.Append(v.ToString(CultureInfo.InvariantCulture)).Append(unit);
                rest -= v * mult;
            }
        }
    }
}
