using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;

namespace Alerting.Telemetry;

/// <summary>
/// One log entry as Alertmanager's go-kit logger lays it out: ts, level, msg, then the structured fields (snake_case,
/// as Alertmanager's keys), the error, and the current span's trace and span ids. Shared by the logfmt and JSON formatters.
/// </summary>
internal readonly record struct LogLine(
    DateTimeOffset Time, string Level, string Logger, string Message, IReadOnlyList<KeyValuePair<string, object?>> Fields,
    string? Error, string? TraceId, string? SpanId)
{
    public static LogLine From<TState>(in LogEntry<TState> entry, DateTimeOffset now)
    {
        var fields = new List<KeyValuePair<string, object?>>();
        if (entry.State is IReadOnlyList<KeyValuePair<string, object?>> state)
        {
            foreach (var (key, value) in state)
            {
                if (key != "{OriginalFormat}")
                {
                    fields.Add(new(SnakeCase(key), value));
                }
            }
        }
        var activity = Activity.Current;
        var traced = activity is { IdFormat: ActivityIdFormat.W3C };
        return new LogLine(now, LevelName(entry.LogLevel), entry.Category, entry.Formatter(entry.State, null) ?? "", fields,
            entry.Exception?.Message, traced ? activity!.TraceId.ToHexString() : null, traced ? activity!.SpanId.ToHexString() : null);
    }

    /// <summary>go-kit's levels: .NET's Trace is debug, Critical is error.</summary>
    public static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace or LogLevel.Debug => "debug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        _ => "error",
    };

    /// <summary>go-kit's ts: UTC with milliseconds, <c>2006-01-02T15:04:05.000Z07:00</c>.</summary>
    public string Timestamp => Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>GroupKey becomes group_key; Alertmanager's keys are lower snake case.</summary>
    public static string SnakeCase(string name)
    {
        var sb = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && (char.IsLower(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]) && char.IsUpper(name[i - 1]))))
                {
                    sb.Append('_');
                }
                sb.Append(char.ToLowerInvariant(c));
            }
            else
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }

    /// <summary>A field's value as text: invariant culture, times in RFC 3339.</summary>
    public static string Text(object? value) => value switch
    {
        null => "null",
        DateTimeOffset d => d.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture),
        DateTime d => d.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture),
        TimeSpan t => Core.Configuration.Duration.Format(t),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
