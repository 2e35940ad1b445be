namespace Alerting.Core.Configuration;

/// <summary>
/// Alertmanager's top-level <c>tracing:</c> section (tracing.TracingConfig, 0.26 and later): where OTLP spans go.
/// Absent, tracing is configured by the OTEL_* environment variables alone, and off when they name no endpoint.
/// </summary>
public sealed record TracingConfig
{
    /// <summary><c>grpc</c> (the default, as in Alertmanager) or <c>http</c>.</summary>
    public string ClientType { get; init; } = "grpc";

    /// <summary>host:port, without a scheme (the scheme follows <see cref="Insecure"/>), as Alertmanager's.</summary>
    public required string Endpoint { get; init; }

    /// <summary>Of new traces, the share recorded; a trace whose caller sampled it is always recorded (parent-based).</summary>
    public double SamplingFraction { get; init; }

    /// <summary>Plain HTTP (no TLS) to the collector.</summary>
    public bool Insecure { get; init; }

    public TlsConfig? TlsConfig { get; init; }

    /// <summary>prometheus/common's headers: each name with values, secrets or files (paths resolved against the config's folder).</summary>
    public IReadOnlyList<TracingHeader> Headers { get; init; } = [];

    /// <summary>Empty or <c>gzip</c>.</summary>
    public string Compression { get; init; } = "";

    /// <summary>Zero: the exporter's default.</summary>
    public TimeSpan Timeout { get; init; }

    public int Line { get; init; }
}

/// <summary>One header: its values as written, its secrets, and files holding values.</summary>
public sealed record TracingHeader(string Name, IReadOnlyList<string> Values, IReadOnlyList<string> Secrets, IReadOnlyList<string> Files);
