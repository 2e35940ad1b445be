namespace Alerting.Configuration;

/// <summary>Command-line settings, named as Alertmanager's flags where they mean the same.</summary>
internal sealed record ServerOptions
{
    public string ConfigFile { get; init; } = "alerting.yml";

    public string ListenAddress { get; init; } = ":9093";

    public string? ExternalUrl { get; init; }

    public string? RoutePrefix { get; init; }

    public string LogLevel { get; init; } = "info";

    /// <summary>Alertmanager's --log.format: logfmt (the default) or json.</summary>
    public string LogFormat { get; init; } = "logfmt";

    /// <summary>Alertmanager's --web.config.file (exporter-toolkit format): TLS for the listener.</summary>
    public string? WebConfigFile { get; init; }

    /// <summary>Set at start when the web config turns TLS on; links then default to https.</summary>
    public bool Https { get; init; }

    public string? DatabaseUrl { get; init; }

    public string StoragePath { get; init; } = "data/";

    /// <summary>Failed restarts in a row of the embedded PostgreSQL after which /-/healthy answers 503.</summary>
    public int EmbeddedRestartAttempts { get; init; } = 5;

    /// <summary>How long resolved alerts and history are kept (Alertmanager's --data.retention, default 120h).</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromHours(120);

    /// <summary>--enable-feature's classic-mode or utf8-strict-mode; Alertmanager 0.27+'s default otherwise.</summary>
    public Core.Matching.MatcherMode MatcherMode { get; init; } = Core.Matching.MatcherMode.Fallback;

    /// <summary>RabbitMQ for the notification bus (amqp://user:pass@host:5672/vhost); in memory when unset.</summary>
    public string? RabbitMqUrl { get; init; }

    /// <summary>A secret or a PEM certificate with its key that encrypts the UI's data-protection keys in the database.</summary>
    public string? KeyEncryptionFile { get; init; }

    /// <summary>The URL people reach this service at, for links in messages: --web.external-url, else this host and port.</summary>
    public string EffectiveExternalUrl() =>
        (ExternalUrl ?? $"{(Https ? "https" : "http")}://{Environment.MachineName}:{ListenAddress.Split(':').Last()}{EffectiveRoutePrefix()}").TrimEnd('/');

    /// <summary>The path all endpoints are served under: --web.route-prefix, else the external URL's path.</summary>
    public string EffectiveRoutePrefix()
    {
        var prefix = RoutePrefix;
        if (prefix is null && ExternalUrl is not null && Uri.TryCreate(ExternalUrl, UriKind.Absolute, out var external))
        {
            prefix = external.AbsolutePath;
        }
        prefix = "/" + (prefix ?? "").Trim('/');
        return prefix == "/" ? "" : prefix;
    }
}
