using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace Alerting.Telemetry;

/// <summary>
/// --log.format=json: one object a line, <c>{"ts","level","logger","msg", fields…, "err", "trace_id", "span_id"}</c>;
/// numbers and booleans stay JSON numbers and booleans.
/// </summary>
internal sealed class JsonLogFormatter(TimeProvider time) : ConsoleFormatter(FormatName)
{
    /// <summary>Not "json": that name is the built-in JsonConsoleFormatter's, which would win.</summary>
    public const string FormatName = "alerting-json";

    private static readonly JsonWriterOptions s_options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public JsonLogFormatter()
        : this(TimeProvider.System)
    {
    }

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var line = LogLine.From(logEntry, time.GetUtcNow());
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, s_options))
        {
            json.WriteStartObject();
            json.WriteString("ts", line.Timestamp);
            json.WriteString("level", line.Level);
            json.WriteString("logger", line.Logger);
            json.WriteString("msg", line.Message);
            var written = new HashSet<string>(StringComparer.Ordinal) { "ts", "level", "logger", "msg", "err", "trace_id", "span_id" };
            foreach (var (key, value) in line.Fields)
            {
                // A field named like one of ours would make a second key, which JSON readers disagree on.
                if (!written.Add(key))
                {
                    continue;
                }
                json.WritePropertyName(key);
                WriteValue(json, value);
            }
            if (line.Error is { } error)
            {
                json.WriteString("err", error);
            }
            if (line.TraceId is { } traceId)
            {
                json.WriteString("trace_id", traceId);
                json.WriteString("span_id", line.SpanId);
            }
            json.WriteEndObject();
        }
        textWriter.Write(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        textWriter.Write('\n');
    }

    private static void WriteValue(Utf8JsonWriter json, object? value)
    {
        switch (value)
        {
            case null:
                json.WriteNullValue();
                break;
            case bool b:
                json.WriteBooleanValue(b);
                break;
            case int or long or short or byte or uint or ushort or sbyte:
                json.WriteNumberValue(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
                break;
            case ulong u:
                json.WriteNumberValue(u);
                break;
            case double or float or decimal:
                var d = Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture);
                if (double.IsFinite(d))
                {
                    json.WriteNumberValue(d);
                }
                else
                {
                    json.WriteStringValue(LogLine.Text(value));
                }
                break;
            default:
                json.WriteStringValue(LogLine.Text(value));
                break;
        }
    }
}
