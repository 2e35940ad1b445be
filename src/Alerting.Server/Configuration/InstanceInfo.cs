using System.Reflection;

namespace Alerting.Configuration;

/// <summary>Who this instance is, for the status API.</summary>
internal sealed record InstanceInfo(string Name, string Address, DateTimeOffset StartedAt)
{
    /// <summary>Alertmanager's API level we implement; tools such as Grafana read the version to pick API features.</summary>
    public string Version { get; } = "0.25.0";

    public string Revision { get; } =
        typeof(InstanceInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    public string Branch => "main";

    public string BuildDate => "";
}
