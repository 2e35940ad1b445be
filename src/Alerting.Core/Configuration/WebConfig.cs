namespace Alerting.Core.Configuration;

/// <summary>
/// The listener's settings from <c>--web.config.file</c>, in the format of Prometheus's exporter-toolkit (as
/// Alertmanager reads it): TLS with certificate and key files, optional client certificates, HTTP/2 and headers.
/// </summary>
public sealed record WebConfig
{
    public static readonly WebConfig Plain = new();

    /// <summary>Null: plain HTTP.</summary>
    public TlsServerConfig? Tls { get; init; }

    public bool Http2 { get; init; } = true;

    /// <summary>Response headers to add (exporter-toolkit allows a fixed set of security headers).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    public string FileName { get; init; } = "";
}

/// <summary>Go's tls.ClientAuthType, by exporter-toolkit's names.</summary>
public enum ClientAuth
{
    NoClientCert,
    RequestClientCert,
    RequireAnyClientCert,
    VerifyClientCertIfGiven,
    RequireAndVerifyClientCert,
}

/// <summary>TLS protocol versions by exporter-toolkit's names.</summary>
public enum TlsVersion
{
    Tls10,
    Tls11,
    Tls12,
    Tls13,
}

/// <summary><c>tls_server_config</c>. Paths are resolved against the web config's folder; lines are kept for errors.</summary>
public sealed record TlsServerConfig
{
    public required string CertFile { get; init; }

    public required string KeyFile { get; init; }

    public ClientAuth ClientAuth { get; init; } = ClientAuth.NoClientCert;

    public string? ClientCaFile { get; init; }

    /// <summary>exporter-toolkit's default is TLS 1.2.</summary>
    public TlsVersion MinVersion { get; init; } = TlsVersion.Tls12;

    public TlsVersion? MaxVersion { get; init; }

    public int CertFileLine { get; init; }

    public int KeyFileLine { get; init; }

    public int ClientCaFileLine { get; init; }

    public bool VerifiesClients => ClientAuth is ClientAuth.VerifyClientCertIfGiven or ClientAuth.RequireAndVerifyClientCert;
}
