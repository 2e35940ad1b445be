using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace Alerting.Telemetry;

/// <summary>
/// --log.format=logfmt (the default, as Alertmanager's): <c>ts=… level=info logger=… msg="…" key=value … trace_id=… span_id=…</c>,
/// quoted as go-logfmt quotes. Alertmanager's go-kit puts its caller (file:line) after ts; ours is the logger's category.
/// </summary>
internal sealed class LogfmtFormatter(TimeProvider time) : ConsoleFormatter(FormatName)
{
    public const string FormatName = "alerting-logfmt";

    public LogfmtFormatter()
        : this(TimeProvider.System)
    {
    }

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var line = LogLine.From(logEntry, time.GetUtcNow());
        var sb = new StringBuilder(256);
        Pair(sb, "ts", line.Timestamp);
        Pair(sb, "level", line.Level);
        Pair(sb, "logger", line.Logger);
        Pair(sb, "msg", line.Message);
        foreach (var (key, value) in line.Fields)
        {
            Pair(sb, key, LogLine.Text(value));
        }
        if (line.Error is { } error)
        {
            Pair(sb, "err", error);
        }
        if (line.TraceId is { } traceId)
        {
            Pair(sb, "trace_id", traceId);
            Pair(sb, "span_id", line.SpanId!);
        }
        sb.Append('\n');
        textWriter.Write(sb.ToString());
    }

    private static void Pair(StringBuilder sb, string key, string value)
    {
        if (sb.Length > 0)
        {
            sb.Append(' ');
        }
        sb.Append(key).Append('=');
        Value(sb, value);
    }

    /// <summary>go-logfmt: bare unless the value has a space, '=', '"', a backslash or a control character; empty is nothing.</summary>
    internal static void Value(StringBuilder sb, string value)
    {
        if (!value.Any(c => c <= ' ' || c is '=' or '"' or '\\' or '\u007f'))
        {
            sb.Append(value);
            return;
        }
        sb.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"':
                    sb.Append("\\\"");
                    break;
                case '\\':
                    sb.Append("\\\\");
                    break;
                case '\n':
                    sb.Append("\\n");
                    break;
                case '\r':
                    sb.Append("\\r");
                    break;
                case '\t':
                    sb.Append("\\t");
                    break;
                case < ' ' or '\u007f':
                    sb.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
                    break;
                default:
                    sb.Append(c);
                    break;
            }
        }
        sb.Append('"');
    }
}
