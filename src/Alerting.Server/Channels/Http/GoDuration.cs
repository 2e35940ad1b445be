using System.Globalization;
using Alerting.Core.Configuration;

namespace Alerting.Channels.Http;

/// <summary>
/// Go's time.ParseDuration (<c>1h30m</c>, <c>1.5s</c>, <c>300ms</c>; no days), for the receiver keys Alertmanager
/// types as time.Duration rather than Prometheus' model.Duration: PagerDuty's timeout, Pushover's retry, expire and ttl.
/// </summary>
internal static class GoDuration
{
    private static readonly (string Unit, double Ticks)[] Units =
    [
        ("ns", 0.01), ("us", 10), ("µs", 10), ("μs", 10), ("ms", TimeSpan.TicksPerMillisecond),
        ("s", TimeSpan.TicksPerSecond), ("m", TimeSpan.TicksPerMinute), ("h", TimeSpan.TicksPerHour),
    ];

    /// <summary>The duration, or Go's error message (<c>time: unknown unit "d" in duration "1d"</c>).</summary>
    public static bool TryParse(string s, out TimeSpan value, out string? error)
    {
        value = TimeSpan.Zero;
        error = $"time: invalid duration \"{s}\"";
        var rest = s.AsSpan();
        var negative = false;
        if (rest.Length > 0 && rest[0] is '-' or '+')
        {
            negative = rest[0] == '-';
            rest = rest[1..];
        }
        if (rest is "0")
        {
            error = null;
            return true;
        }
        if (rest.IsEmpty)
        {
            return false;
        }
        double ticks = 0;
        while (!rest.IsEmpty)
        {
            var n = 0;
            while (n < rest.Length && (char.IsAsciiDigit(rest[n]) || rest[n] == '.'))
            {
                n++;
            }
            if (n == 0 || rest[..n] is "." || rest[..n].Count('.') > 1)
            {
                return false;
            }
            var number = double.Parse(rest[..n], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
            rest = rest[n..];
            var u = 0;
            while (u < rest.Length && !char.IsAsciiDigit(rest[u]) && rest[u] != '.')
            {
                u++;
            }
            if (u == 0)
            {
                error = $"time: missing unit in duration \"{s}\"";
                return false;
            }
            var unit = rest[..u].ToString();
            var factor = Array.Find(Units, x => x.Unit == unit).Ticks;
            if (factor == 0)
            {
                error = $"time: unknown unit \"{unit}\" in duration \"{s}\"";
                return false;
            }
            ticks += number * factor;
            rest = rest[u..];
        }
        value = TimeSpan.FromTicks((long)(negative ? -ticks : ticks));
        error = null;
        return true;
    }

    /// <summary>A time.Duration key of a receiver: a string in Go's syntax; errors carry the key's line.</summary>
    public static TimeSpan? Read(MapReader r, string key)
    {
        var text = r.String(key);
        if (text is null)
        {
            return null;
        }
        if (TryParse(text, out var value, out var error))
        {
            return value;
        }
        r.Error(key, error!);
        return null;
    }
}
