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
}
