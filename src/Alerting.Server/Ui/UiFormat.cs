using System.Globalization;
using Alerting.Core.Matching;

namespace Alerting.Ui;

/// <summary>Times, ages and durations as the pages show them, in the configured time zone (UTC by default).</summary>
internal static class UiFormat
{
    public static string Time(DateTimeOffset at, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(at, zone);
        var name = zone == TimeZoneInfo.Utc ? "UTC" : local.ToString("zzz", CultureInfo.InvariantCulture);
        return local.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " " + name;
    }

    public static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>A count with thousands separators, the same in both languages.</summary>
    public static string Count(long count) => count.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A duration given in seconds, or a dash when nothing was measured.</summary>
    public static string Seconds(double? seconds) => seconds is { } s ? Duration(TimeSpan.FromSeconds(s)) : "–";

    public static string Duration(TimeSpan span)
    {
        span = span.Duration();
        return span.TotalSeconds < 60 ? $"{(int)span.TotalSeconds}s"
            : span.TotalMinutes < 60 ? $"{(int)span.TotalMinutes}m"
            : span.TotalHours < 48 ? $"{(int)span.TotalHours}h{(span.Minutes > 0 ? $"{span.Minutes}m" : "")}"
            : $"{(int)span.TotalDays}d{(span.Hours > 0 ? $"{span.Hours}h" : "")}";
    }

    /// <summary>A matcher list that selects exactly these labels: the start of "silence like this".</summary>
    public static string EqualMatchers(IEnumerable<KeyValuePair<string, string>> labels) =>
        "{" + string.Join(", ", labels.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => Label(kv.Key, kv.Value))) + "}";

    /// <summary>A label as an equality matcher: <c>name="value"</c>, quoted as Alertmanager quotes it.</summary>
    public static string Label(string name, string value) => Matcher.Create(Core.Matching.MatchType.Equal, name, value).ToString();

    /// <summary>A short stable id for a group, usable as an HTML id.</summary>
    public static string DomId(string key) => "g" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)))[..12];
}
