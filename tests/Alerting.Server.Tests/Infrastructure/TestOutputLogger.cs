using System.Globalization;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Alerting.Infrastructure;

/// <summary>Sends log lines, with elapsed time, to the test's output so failures show what happened.</summary>
public sealed class TestOutputLogger(ITestOutputHelper output) : ILogger
{
    private readonly long _started = TimeProvider.System.GetTimestamp();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(
        LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var elapsed = TimeProvider.System.GetElapsedTime(_started).TotalSeconds;
        try
        {
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture, $"[{elapsed,7:0.000}s {logLevel}] {formatter(state, exception)}{(exception is null ? "" : " " + exception)}"));
        }
        catch (InvalidOperationException)
        {
            // The test already finished; xUnit no longer takes output for it.
        }
    }
}
