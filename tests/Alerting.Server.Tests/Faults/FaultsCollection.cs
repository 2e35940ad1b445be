namespace Alerting.Faults;

/// <summary>
/// Fault tests kill processes, stop servers and measure latencies: they run one at a time, after the
/// parallel tests, so neither they nor the rest of the suite time out on a busy 2-core machine.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FaultsCollection
{
    public const string Name = "Faults";
}
