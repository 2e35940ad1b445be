namespace Alerting.Core.Configuration;

/// <summary>Our extension section <c>server:</c>; all defaults when absent. Never shown in MaskedYaml.</summary>
public sealed record ServerConfig
{
    public static readonly ServerConfig Default = new();

    public AuthConfig Auth { get; init; } = AuthConfig.Open;

    public LimitsConfig Limits { get; init; } = LimitsConfig.Default;

    public GrafanaConfig Grafana { get; init; } = GrafanaConfig.None;

    public LinksConfig Links { get; init; } = LinksConfig.Default;
}

/// <summary>
/// Signing of the action links in messages. Without a key, one is generated once and kept in the
/// database, so every instance signs alike. <see cref="PreviousKeys"/> are still accepted, for rotation.
/// </summary>
public sealed record LinksConfig
{
    public static readonly LinksConfig Default = new();

    /// <summary>The shortest signing key, current or previous.</summary>
    public const int MinKeyLength = 32;

    /// <summary>The key, inline or read from <see cref="SigningKeyFile"/> at load.</summary>
    public string? SigningKey { get; init; }

    /// <summary>Where <see cref="SigningKey"/> was read from, if from a file.</summary>
    public string? SigningKeyFile { get; init; }

    public IReadOnlyList<string> PreviousKeys { get; init; } = [];

    /// <summary>How long a link in a message stays valid.</summary>
    public TimeSpan Ttl { get; init; } = TimeSpan.FromDays(7);
}

/// <summary>
/// Credentials per role: <see cref="Read"/> for GET endpoints, <see cref="Write"/> for operators (silences,
/// reload; a write credential also reads and sends), <see cref="Send"/> for senders such as Prometheus and
/// Grafana, which may post alerts and nothing else.
/// </summary>
public sealed record AuthConfig(AccessConfig Read, AccessConfig Write)
{
    public static readonly AuthConfig Open = new(AccessConfig.Open, AccessConfig.Open);

    /// <summary>An init property rather than a parameter, so that two-role configs built in code keep compiling.</summary>
    public AccessConfig Send { get; init; } = AccessConfig.Open;
}

/// <summary>Accepted credentials; with none configured, access is not restricted.</summary>
public sealed record AccessConfig(IReadOnlyList<string> BearerTokens, IReadOnlyList<BasicCredential> Basic)
{
    public static readonly AccessConfig Open = new([], []);

    public bool IsOpen => BearerTokens.Count == 0 && Basic.Count == 0;
}

public sealed record BasicCredential(string Username, string Password);

public sealed record LimitsConfig
{
    public static readonly LimitsConfig Default = new();

    public long MaxBodyBytes { get; init; } = 5 * 1024 * 1024;

    public int MaxAlertsPerRequest { get; init; } = 10_000;

    public int MaxLabelsPerAlert { get; init; } = 128;

    public int MaxLabelNameLength { get; init; } = 256;

    public int MaxLabelValueLength { get; init; } = 16_384;

    public int MaxAnnotationValueLength { get; init; } = 65_536;

    /// <summary>Alert posts per second from one client address (token bucket); 0 turns it off.</summary>
    /// <remarks>Generous: one Prometheus sends a batch per rule evaluation, a few requests a second at most.</remarks>
    public int IngestRequestsPerSecond { get; init; } = 100;

    /// <summary>Posts one client address may send at once above the rate, after a quiet spell.</summary>
    public int IngestBurst { get; init; } = 200;

    /// <summary>Alert posts from one client address being handled at the same time; 0 turns it off.</summary>
    public int IngestConcurrencyPerSource { get; init; } = 16;

    /// <summary>Alert posts from all clients being handled at the same time; 0 turns it off.</summary>
    public int IngestConcurrency { get; init; } = 64;
}

public sealed record GrafanaConfig(IReadOnlyList<GrafanaSource> Sources)
{
    public static readonly GrafanaConfig None = new([]);
}

/// <summary>A Grafana instance allowed to push alerts, told apart by its credentials.</summary>
public sealed record GrafanaSource
{
    public required string Name { get; init; }

    public string? BearerToken { get; init; }

    public BasicCredential? BasicAuth { get; init; }

    /// <summary>Shared secret of an HMAC-SHA256 body signature.</summary>
    public string? HmacSecret { get; init; }

    public string HmacHeader { get; init; } = "X-Grafana-Alerting-Signature";

    /// <summary>Header carrying the signed timestamp, if the signature covers one.</summary>
    public string? TimestampHeader { get; init; }

    /// <summary>Largest accepted difference between the signed timestamp and now.</summary>
    public TimeSpan MaxSkew { get; init; } = TimeSpan.FromMinutes(5);

    public int Line { get; init; }
}
