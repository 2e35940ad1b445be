using System.Text.Json.Serialization;

namespace Alerting.Api;

// Wire shapes of Alertmanager's api/v2/openapi.yaml. Property names are the spec's, not C#'s.

internal sealed record PostableAlert(
    [property: JsonPropertyName("labels")] Dictionary<string, string?>? Labels,
    [property: JsonPropertyName("annotations")] Dictionary<string, string?>? Annotations,
    [property: JsonPropertyName("startsAt")] DateTimeOffset? StartsAt,
    [property: JsonPropertyName("endsAt")] DateTimeOffset? EndsAt,
    [property: JsonPropertyName("generatorURL")] string? GeneratorUrl);

internal sealed record GettableAlert(
    [property: JsonPropertyName("annotations")] IReadOnlyDictionary<string, string> Annotations,
    [property: JsonPropertyName("endsAt")] DateTimeOffset EndsAt,
    [property: JsonPropertyName("fingerprint")] string Fingerprint,
    [property: JsonPropertyName("receivers")] IReadOnlyList<ReceiverName> Receivers,
    [property: JsonPropertyName("startsAt")] DateTimeOffset StartsAt,
    [property: JsonPropertyName("status")] AlertStatus Status,
    [property: JsonPropertyName("updatedAt")] DateTimeOffset UpdatedAt,
    // Go's omitempty: Alertmanager leaves the key out when the URL is empty.
    [property: JsonPropertyName("generatorURL"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? GeneratorUrl,
    [property: JsonPropertyName("labels")] IReadOnlyDictionary<string, string> Labels);

internal sealed record AlertStatus(
    [property: JsonPropertyName("inhibitedBy")] IReadOnlyList<string> InhibitedBy,
    [property: JsonPropertyName("silencedBy")] IReadOnlyList<string> SilencedBy,
    [property: JsonPropertyName("state")] string State);

internal sealed record ReceiverName([property: JsonPropertyName("name")] string Name);

internal sealed record AlertGroup(
    [property: JsonPropertyName("alerts")] IReadOnlyList<GettableAlert> Alerts,
    [property: JsonPropertyName("labels")] IReadOnlyDictionary<string, string> Labels,
    [property: JsonPropertyName("receiver")] ReceiverName Receiver)
{
    /// <summary>Our addition: who acknowledged the group from a notification link, and when.</summary>
    [JsonPropertyName("acknowledgement")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Acknowledgement? Acknowledgement { get; init; }
}

internal sealed record Acknowledgement(
    [property: JsonPropertyName("by")] string By,
    [property: JsonPropertyName("at")] DateTimeOffset At);

internal sealed record MatcherDto(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("value")] string? Value,
    [property: JsonPropertyName("isRegex")] bool? IsRegex,
    [property: JsonPropertyName("isEqual")] bool? IsEqual);

internal sealed record PostableSilence(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("matchers")] List<MatcherDto?>? Matchers,
    [property: JsonPropertyName("startsAt")] DateTimeOffset? StartsAt,
    [property: JsonPropertyName("endsAt")] DateTimeOffset? EndsAt,
    [property: JsonPropertyName("createdBy")] string? CreatedBy,
    [property: JsonPropertyName("comment")] string? Comment);

internal sealed record GettableSilence(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("status")] SilenceStatus Status,
    [property: JsonPropertyName("updatedAt")] DateTimeOffset UpdatedAt,
    [property: JsonPropertyName("comment")] string Comment,
    [property: JsonPropertyName("createdBy")] string CreatedBy,
    [property: JsonPropertyName("endsAt")] DateTimeOffset EndsAt,
    [property: JsonPropertyName("matchers")] IReadOnlyList<MatcherDto> Matchers,
    [property: JsonPropertyName("startsAt")] DateTimeOffset StartsAt);

internal sealed record SilenceStatus([property: JsonPropertyName("state")] string State);

internal sealed record SilenceCreated([property: JsonPropertyName("silenceID")] string SilenceId);

internal sealed record StatusResponse(
    [property: JsonPropertyName("cluster")] ClusterStatus Cluster,
    [property: JsonPropertyName("versionInfo")] VersionInfo VersionInfo,
    [property: JsonPropertyName("config")] ConfigStatus Config,
    [property: JsonPropertyName("uptime")] DateTimeOffset Uptime);

internal sealed record ClusterStatus(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("peers")] IReadOnlyList<PeerStatus> Peers);

internal sealed record PeerStatus(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("address")] string Address);

internal sealed record VersionInfo(
    [property: JsonPropertyName("branch")] string Branch,
    [property: JsonPropertyName("buildDate")] string BuildDate,
    [property: JsonPropertyName("buildUser")] string BuildUser,
    [property: JsonPropertyName("goVersion")] string GoVersion,
    [property: JsonPropertyName("revision")] string Revision,
    [property: JsonPropertyName("version")] string Version);

internal sealed record ConfigStatus([property: JsonPropertyName("original")] string Original);
