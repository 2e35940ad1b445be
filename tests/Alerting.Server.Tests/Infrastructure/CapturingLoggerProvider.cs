using System.Collections.Concurrent;
using Alerting.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Alerting.Infrastructure;

/// <summary>One log line as the service wrote it: its level, category, text and exception.</summary>
public sealed record CapturedLog(LogLevel Level, string Category, string Message, string? Exception)
{
    public override string ToString() => $"{Level} {Category}: {Message}{(Exception is null ? "" : " " + Exception)}";
}

/// <summary>Keeps every log line an instance writes, for tests that check what was (and was not) logged.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<CapturedLog> _lines = new();
    private readonly ConcurrentQueue<string> _formatted = new();
    private readonly LogfmtFormatter _logfmt = new();
    private readonly JsonLogFormatter _json = new();

    public IReadOnlyList<CapturedLog> Lines => [.. _lines];

    /// <summary>Every line as --log.format=logfmt and as --log.format=json print it, fields and all (the secret scans read these too).</summary>
    public IReadOnlyList<string> Formatted => [.. _formatted];

    /// <summary>Errors and worse: unhandled exceptions end up here.</summary>
    public IReadOnlyList<CapturedLog> Errors => [.. _lines.Where(l => l.Level >= LogLevel.Error)];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Clear() => _lines.Clear();

    public void Dispose()
    {
        // The lines stay readable after the instance is gone.
    }

    private sealed class Logger(CapturingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            provider._lines.Enqueue(new CapturedLog(logLevel, category, formatter(state, exception), exception?.ToString()));
            var entry = new LogEntry<TState>(logLevel, category, eventId, state, exception, formatter);
            foreach (var format in (ReadOnlySpan<Microsoft.Extensions.Logging.Console.ConsoleFormatter>)[provider._logfmt, provider._json])
            {
                using var text = new StringWriter();
                format.Write(entry, null, text);
                provider._formatted.Enqueue(text.ToString());
            }
        }
    }
}
