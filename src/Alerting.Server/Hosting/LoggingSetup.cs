using Alerting.Configuration;
using Alerting.Telemetry;
using Microsoft.Extensions.Logging.Console;

namespace Alerting.Hosting;

/// <summary>--log.level and --log.format as Alertmanager honours them: every line to standard error, logfmt or JSON.</summary>
internal static class LoggingSetup
{
    public static ILoggingBuilder AddAlertingConsole(this ILoggingBuilder logging, ServerOptions options)
    {
        logging.ClearProviders();
        logging.AddConsole(o =>
            {
                o.FormatterName = options.LogFormat == "json" ? JsonLogFormatter.FormatName : LogfmtFormatter.FormatName;
                o.LogToStandardErrorThreshold = LogLevel.Trace; // Alertmanager logs to stderr
            })
            .AddConsoleFormatter<LogfmtFormatter, ConsoleFormatterOptions>()
            .AddConsoleFormatter<JsonLogFormatter, ConsoleFormatterOptions>();
        return logging;
    }

    public static LogLevel Level(string level) => level switch
    {
        "debug" => LogLevel.Debug,
        "warn" => LogLevel.Warning,
        "error" => LogLevel.Error,
        _ => LogLevel.Information,
    };
}
