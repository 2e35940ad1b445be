using Alerting.Channels;
using Alerting.Core.Configuration;

namespace Alerting.Infrastructure;

/// <summary>Loads configurations as the service does: with the registered channels.</summary>
internal static class TestConfig
{
    public static AlertingConfig Load(string yaml, string fileName) => ConfigLoader.Load(yaml, fileName, ChannelRegistry.All);

    public static AlertingConfig LoadFile(string path) => ConfigLoader.LoadFile(path, ChannelRegistry.All);

    /// <summary>A receiver's integrations of one channel, in file order.</summary>
    public static IReadOnlyList<T> Integrations<T>(this ReceiverConfig receiver)
        where T : IntegrationConfig => [.. receiver.Integrations.OfType<T>()];
}
