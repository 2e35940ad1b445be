using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Time.Testing;

namespace Alerting.Telemetry;

/// <summary>--log.format: logfmt as Alertmanager's go-kit logger lays it out, and one JSON object a line.</summary>
public sealed class LogFormatterTests
{
    private static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 12, 6, 11, 0, 0, 123, TimeSpan.Zero));

    /// <summary>What LoggerMessage gives a logger: the fields by their names in the template, then the template itself.</summary>
    private static string Write(ConsoleFormatter formatter, LogLevel level, string format, Exception? error, params object?[] args)
    {
        var names = System.Text.RegularExpressions.Regex.Matches(format, @"\{(\w+)\}").Select(m => m.Groups[1].Value).ToList();
        List<KeyValuePair<string, object?>> state = [.. names.Select((n, i) => new KeyValuePair<string, object?>(n, args[i])), new("{OriginalFormat}", format)];
        var message = System.Text.RegularExpressions.Regex.Replace(format, @"\{(\w+)\}", m => Convert.ToString(args[names.IndexOf(m.Groups[1].Value)], System.Globalization.CultureInfo.InvariantCulture) ?? "");
        var entry = new LogEntry<List<KeyValuePair<string, object?>>>(level, "Alerting.Delivery.AttemptRunner", default, state, error, (_, _) => message);
        using var text = new StringWriter();
        formatter.Write(entry, null, text);
        return text.ToString();
    }

    [Fact]
    public void Logfmt_puts_ts_level_logger_msg_then_the_fields_quoted_as_go_logfmt()
    {
        var line = Write(new LogfmtFormatter(Clock), LogLevel.Warning, "Notify {Receiver}/{Integration} for {GroupKey} failed after {Attempts} attempts",
            new HttpRequestException("connection refused"), "team-a", "webhook[0]", "{}:{alertname=\"x\"}", 3);
        Assert.Equal("ts=2026-12-06T11:00:00.123Z level=warn logger=Alerting.Delivery.AttemptRunner "
            + "msg=\"Notify team-a/webhook[0] for {}:{alertname=\\\"x\\\"} failed after 3 attempts\" receiver=team-a integration=webhook[0] "
            + "group_key=\"{}:{alertname=\\\"x\\\"}\" attempts=3 err=\"connection refused\"\n", line);
    }

    [Fact]
    public void Json_carries_timestamp_level_logger_message_typed_fields_and_the_trace()
    {
        using var span = new Activity("notify").SetIdFormat(ActivityIdFormat.W3C).Start();
        var line = Write(new JsonLogFormatter(Clock), LogLevel.Information, "Sent {Count} in {Seconds} s, ok {Ok}, multi\nline", null, 2, 0.5, true);
        Assert.EndsWith("\n", line, StringComparison.Ordinal);
        Assert.Single(line.Trim().Split('\n'));
        var json = JsonNode.Parse(line)!.AsObject();
        Assert.Equal(["ts", "level", "logger", "msg", "count", "seconds", "ok", "trace_id", "span_id"], json.Select(p => p.Key));
        Assert.Equal("2026-12-06T11:00:00.123Z", (string?)json["ts"]);
        Assert.Equal("info", (string?)json["level"]);
        Assert.Equal("Alerting.Delivery.AttemptRunner", (string?)json["logger"]);
        Assert.Equal("Sent 2 in 0.5 s, ok True, multi\nline", (string?)json["msg"]);
        Assert.Equal(2, (int)json["count"]!);
        Assert.Equal(0.5, (double)json["seconds"]!);
        Assert.True((bool)json["ok"]!);
        Assert.Equal(span.TraceId.ToHexString(), (string?)json["trace_id"]);
        Assert.Equal(span.SpanId.ToHexString(), (string?)json["span_id"]);
    }

    [Theory]
    [InlineData(LogLevel.Trace, "debug")]
    [InlineData(LogLevel.Debug, "debug")]
    [InlineData(LogLevel.Information, "info")]
    [InlineData(LogLevel.Warning, "warn")]
    [InlineData(LogLevel.Error, "error")]
    [InlineData(LogLevel.Critical, "error")]
    public void Levels_are_go_kits(LogLevel level, string name) => Assert.Equal(name, LogLine.LevelName(level));

    [Theory]
    [InlineData("GroupKey", "group_key")]
    [InlineData("Receiver", "receiver")]
    [InlineData("HTTPStatus", "http_status")]
    [InlineData("already_snake", "already_snake")]
    public void Field_names_are_snake_case(string name, string snake) => Assert.Equal(snake, LogLine.SnakeCase(name));

    [Fact]
    public void Untraced_lines_have_no_trace_ids_and_empty_values_are_bare()
    {
        Assert.Null(Activity.Current);
        var line = Write(new LogfmtFormatter(Clock), LogLevel.Error, "x {Empty}", null, "");
        Assert.Equal("ts=2026-12-06T11:00:00.123Z level=error logger=Alerting.Delivery.AttemptRunner msg=\"x \" empty=\n", line);
    }
}
