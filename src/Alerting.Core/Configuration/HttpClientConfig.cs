namespace Alerting.Core.Configuration;

/// <summary>Prometheus' common HTTPClientConfig (prometheus/common 0.38, as bundled with Alertmanager 0.25).</summary>
public sealed record HttpClientConfig
{
    public static readonly HttpClientConfig Default = new();

    public BasicAuth? BasicAuth { get; init; }

    /// <summary>Legacy form of <c>authorization</c> with type Bearer; kept as written.</summary>
    public string? BearerToken { get; init; }

    public string? BearerTokenFile { get; init; }

    public Authorization? Authorization { get; init; }

    public OAuth2Config? OAuth2 { get; init; }

    public TlsConfig? TlsConfig { get; init; }

    public string? ProxyUrl { get; init; }

    public bool FollowRedirects { get; init; } = true;

    public bool EnableHttp2 { get; init; } = true;

    /// <summary>The Authorization header value this config asks for, if any (bearer_token folded in).</summary>
    public (string Type, string Credentials)? AuthorizationHeader => Authorization is { Credentials: { } c } a
        ? (a.Type, c)
        : BearerToken is { } t ? ("Bearer", t) : null;
}

public sealed record BasicAuth(string Username, string? Password, string? PasswordFile);

/// <summary><c>authorization:</c>; <see cref="Type"/> defaults to Bearer.</summary>
public sealed record Authorization(string Type, string? Credentials, string? CredentialsFile);

public sealed record TlsConfig
{
    public string? CaFile { get; init; }

    public string? CertFile { get; init; }

    public string? KeyFile { get; init; }

    public string? ServerName { get; init; }

    public bool InsecureSkipVerify { get; init; }

    /// <summary>TLS10, TLS11, TLS12 or TLS13, as written.</summary>
    public string? MinVersion { get; init; }

    public string? MaxVersion { get; init; }
}

public sealed record OAuth2Config
{
    public required string ClientId { get; init; }

    public string? ClientSecret { get; init; }

    public string? ClientSecretFile { get; init; }

    public IReadOnlyList<string> Scopes { get; init; } = [];

    public required string TokenUrl { get; init; }

    public IReadOnlyDictionary<string, string> EndpointParams { get; init; } = new Dictionary<string, string>();

    public TlsConfig? TlsConfig { get; init; }

    public string? ProxyUrl { get; init; }
}
