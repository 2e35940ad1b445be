using Alerting.Versioning;

namespace Alerting.Configuration;

/// <summary>Who this instance is, for the status API.</summary>
internal sealed record InstanceInfo(string Name, string Address, DateTimeOffset StartedAt)
{
    /// <summary>
    /// Alertmanager's API level we implement, not our own version (<see cref="BuildInfo.Version"/>): tools such as
    /// Grafana read the version to pick API features.
    /// </summary>
    public string Version { get; } = "0.25.0";

    public string Revision => BuildInfo.Current.Revision;

    public string Branch => BuildInfo.Current.Branch;

    public string BuildDate => BuildInfo.Current.BuildDate;

    public string BuildUser => BuildInfo.Current.BuildUser;

    /// <summary>Our version and short revision, as the status page and the instances table show it: "0.1.0 (fa61d49de40a)".</summary>
    public string Build => $"{BuildInfo.Current.Version} ({Revision[..Math.Min(12, Revision.Length)]})";
}
