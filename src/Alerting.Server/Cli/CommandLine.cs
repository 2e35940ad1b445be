using System.Net;
using Alerting.Configuration;
using Alerting.Core.Matching;

namespace Alerting.Cli;

/// <summary>
/// Parses Alertmanager-style flags (<c>--config.file=x</c> or <c>--config.file x</c>). Alertmanager
/// flags that have no meaning here (gossip clustering, in-memory retention) are accepted with a
/// warning so that an existing command line keeps working.
/// </summary>
internal static class CommandLine
{
    private static readonly HashSet<string> s_ignoredAlertmanagerFlags = new(StringComparer.Ordinal)
    {
        "cluster.listen-address", "cluster.advertise-address", "cluster.peer", "cluster.peer-timeout",
        "cluster.gossip-interval", "cluster.pushpull-interval", "cluster.tcp-timeout", "cluster.probe-timeout",
        "cluster.probe-interval", "cluster.settle-timeout", "cluster.reconnect-interval", "cluster.reconnect-timeout",
        "cluster.label", "cluster.tls-config", "cluster.allow-insecure-public-advertise-address-discovery",
"data.maintenance-interval", "alerts.gc-interval", "web.get-concurrency", "web.timeout",
        "web.systemd-socket", "dispatch.maintenance-interval",
        "auto-gomemlimit.ratio", "auto-gomaxprocs",
    };

    public sealed record ParsedArguments(ServerOptions Options, IReadOnlyList<string> Warnings);

    public static ParsedArguments Parse(IReadOnlyList<string> args)
    {
        var options = new ServerOptions
        {
            DatabaseUrl = Environment.GetEnvironmentVariable("ALERTING_DATABASE_URL") is { Length: > 0 } env ? env : null,
            RabbitMqUrl = Environment.GetEnvironmentVariable("ALERTING_RABBITMQ_URL") is { Length: > 0 } rabbit ? rabbit : null,
            KeyEncryptionFile = Environment.GetEnvironmentVariable("ALERTING_UI_KEY_ENCRYPTION_FILE") is { Length: > 0 } keyFile ? keyFile : null,
        };
        var warnings = new List<string>();
        var databaseUrlFile = Environment.GetEnvironmentVariable("ALERTING_DATABASE_URL_FILE") is { Length: > 0 } dbFile ? dbFile : null;
        var rabbitMqUrlFile = Environment.GetEnvironmentVariable("ALERTING_RABBITMQ_URL_FILE") is { Length: > 0 } mqFile ? mqFile : null;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new UsageException($"unexpected argument \"{arg}\"");
            }
            var name = arg[2..];
            string? value = null;
            var eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0)
            {
                value = name[(eq + 1)..];
                name = name[..eq];
            }
            string Value()
            {
                if (value is not null)
                {
                    return value;
                }
                if (i + 1 >= args.Count)
                {
                    throw new UsageException($"flag --{name} needs a value");
                }
                return args[++i];
            }

            options = name switch
            {
                "config.file" => options with { ConfigFile = Value() },
                "web.listen-address" => options with { ListenAddress = Value() },
                "web.external-url" => options with { ExternalUrl = Value() },
                "web.route-prefix" => options with { RoutePrefix = Value() },
                "web.config.file" => options with { WebConfigFile = Value() },
                "log.level" => options with { LogLevel = CheckLevel(Value()) },
                "log.format" => options with { LogFormat = CheckFormat(Value()) },
                "database.url" => options with { DatabaseUrl = Value() },
                "database.url-file" => Remember(ref databaseUrlFile, Value(), options),
                "storage.path" => options with { StoragePath = Value() },
                "storage.embedded-restart-attempts" => options with { EmbeddedRestartAttempts = ParsePositive(name, Value()) },
                "bus.rabbitmq-url" => options with { RabbitMqUrl = Value() },
                "ui.key-encryption-file" => options with { KeyEncryptionFile = Value() },
                "bus.rabbitmq-url-file" => Remember(ref rabbitMqUrlFile, Value(), options),
                "data.retention" => options with { Retention = ParseDuration(name, Value()) },
                "enable-feature" => options with { MatcherMode = ParseFeatures(Value(), warnings) },
                _ when s_ignoredAlertmanagerFlags.Contains(name) => Ignore(name, Value(), warnings, options),
                _ => throw new UsageException($"unknown flag --{name}"),
            };
        }
        options = options with
        {
            DatabaseUrl = UrlOrFile("database.url", "ALERTING_DATABASE_URL", options.DatabaseUrl, databaseUrlFile),
            RabbitMqUrl = UrlOrFile("bus.rabbitmq-url", "ALERTING_RABBITMQ_URL", options.RabbitMqUrl, rabbitMqUrlFile),
        };
        return new ParsedArguments(options, warnings);
    }

    private static ServerOptions Remember(ref string? target, string value, ServerOptions options)
    {
        target = value;
        return options;
    }

    /// <summary>A URL with a password, given inline or as a file (a mounted secret); never both.</summary>
    private static string? UrlOrFile(string flag, string env, string? url, string? file)
    {
        if (file is null)
        {
            return url;
        }
        if (url is not null)
        {
            throw new UsageException($"give --{flag} ({env}) or --{flag}-file ({env}_FILE), not both");
        }
        try
        {
            var text = File.ReadAllText(file).Trim();
            return text.Length > 0 ? text : throw new UsageException($"--{flag}-file: {file} is empty");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"--{flag}-file: cannot read {file}: {(e is FileNotFoundException or DirectoryNotFoundException ? "no such file" : e.GetType().Name)}");
        }
    }

    /// <summary>
    /// Alertmanager's --enable-feature (comma-separated): classic-mode and utf8-strict-mode choose how label names
    /// and matchers are read; its other features are accepted with a warning; unknown ones are an error, as there.
    /// </summary>
    public static MatcherMode ParseFeatures(string value, List<string> warnings)
    {
        var mode = MatcherMode.Fallback;
        var classic = false;
        var strict = false;
        foreach (var feature in value.Split(','))
        {
            switch (feature)
            {
                case "classic-mode":
                    classic = true;
                    mode = MatcherMode.Classic;
                    break;
                case "utf8-strict-mode":
                    strict = true;
                    mode = MatcherMode.Utf8Strict;
                    break;
                case "alert-names-in-metrics" or "receiver-name-in-metrics" or "group-key-in-metrics" or "auto-gomemlimit" or "event-recorder":
                    warnings.Add($"feature {feature} of --enable-feature has no effect here; ignored");
                    break;
                case "":
                    break;
                default:
                    throw new UsageException($"unknown option '{feature}' for --enable-feature");
            }
        }
        return classic && strict ? throw new UsageException("cannot have both classic and UTF-8 modes enabled") : mode;
    }

    private static ServerOptions Ignore(string name, string value, List<string> warnings, ServerOptions options)
    {
        warnings.Add($"flag --{name}={value} is an Alertmanager flag with no effect here (state lives in PostgreSQL); ignored");
        return options;
    }

    private static TimeSpan ParseDuration(string name, string value) =>
        Core.Configuration.Duration.TryParse(value, out var d, out var error) && d > TimeSpan.Zero
            ? d
            : throw new UsageException($"--{name}: \"{value}\" is not a positive duration such as 120h ({error})");

    private static int ParsePositive(string name, string value) =>
        int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new UsageException($"--{name}: \"{value}\" is not a positive whole number");

    private static string CheckLevel(string level) => level is "debug" or "info" or "warn" or "error"
        ? level
        : throw new UsageException($"--log.level must be one of debug, info, warn, error, not \"{level}\"");

    private static string CheckFormat(string format) => format is "logfmt" or "json"
        ? format
        : throw new UsageException($"--log.format must be one of logfmt, json, not \"{format}\"");

    public const string Usage = """
        usage: alerting [<flags>]
               alerting check-config [--enable-feature=FEATURES] <file>...
               alerting template render <flags>    (alerting template render --help)
               alerting healthcheck [--url=URL]    (exits 0 when /-/healthy answers 200)
               alerting --version

        Flags:
          --config.file=alerting.yml     Alertmanager configuration file.
          --web.listen-address=:9093     Address to listen on for the UI, API and telemetry.
          --web.external-url=URL         The URL under which Alerting is reachable (used in links).
          --web.route-prefix=PATH        Prefix for the internal routes. Defaults to the external URL's path.
          --web.config.file=FILE         TLS for the listener (Prometheus exporter-toolkit format).
          --log.level=info               debug, info, warn or error.
          --log.format=logfmt            logfmt or json (one object a line, with trace and span ids).
          --database.url=URL             PostgreSQL: a Npgsql connection string or postgres://user:pass@host/db.
                                         Also ALERTING_DATABASE_URL. Without it, a private PostgreSQL
                                         cluster is run under --storage.path.
          --database.url-file=FILE       The same URL read from a file (a mounted secret).
                                         Also ALERTING_DATABASE_URL_FILE.
          --storage.path=data/           Where the embedded PostgreSQL keeps its data.
          --storage.embedded-restart-attempts=5
                                         The embedded PostgreSQL is restarted when it exits; after this
                                         many failed restarts in a row /-/healthy answers 503.
          --data.retention=120h          How long resolved alerts and their history are kept.
          --enable-feature=FEATURES      Alertmanager's: classic-mode (label names and matchers as in 0.25)
                                         or utf8-strict-mode (UTF-8 matchers only). By default UTF-8 label
                                         names are accepted and matchers fall back to the classic syntax.
          --bus.rabbitmq-url=URL         RabbitMQ for the notification bus shared by several instances
                                         (amqp://user:pass@host:5672/). Also ALERTING_RABBITMQ_URL.
                                         Without it, each instance uses an in-memory bus.
          --ui.key-encryption-file=FILE  Encrypts the keys that protect UI sessions and forms, stored in
                                         PostgreSQL: a secret of at least 32 characters, or a PEM file
                                         with a certificate and its private key. Also
                                         ALERTING_UI_KEY_ENCRYPTION_FILE. Without it they are stored as is.
          --bus.rabbitmq-url-file=FILE   The same URL read from a file. Also ALERTING_RABBITMQ_URL_FILE.
        """;

    /// <summary><c>host:port</c>, <c>:port</c> or <c>[ipv6]:port</c>; the host must be an IP address or localhost.</summary>
    public static (string? Host, int Port) ParseListenAddress(string address)
    {
        var colon = address.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(address[(colon + 1)..], out var port) || port is < 0 or > 65535)
        {
            throw new UsageException($"--web.listen-address: \"{address}\" is not host:port (for example :9093 or 127.0.0.1:9093)");
        }
        var host = address[..colon].Trim('[', ']');
        if (host.Length > 0 && host != "localhost" && !IPAddress.TryParse(host, out _))
        {
            throw new UsageException($"--web.listen-address: host \"{host}\" must be an IP address or localhost");
        }
        return (host.Length == 0 ? null : host, port);
    }
}

internal sealed class UsageException(string message) : Exception(message);
