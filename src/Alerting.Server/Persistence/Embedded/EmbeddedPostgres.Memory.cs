namespace Alerting.Persistence.Embedded;

/// <summary>The embedded server's environment, which every backend inherits.</summary>
internal sealed partial class EmbeddedPostgres
{
    /// <summary>glibc's threshold above which malloc maps a block of its own, given back to the OS when freed.</summary>
    internal const string MmapThreshold = "MALLOC_MMAP_THRESHOLD_";

    /// <summary>
    /// glibc raises its mmap threshold to the largest block freed (up to 32 MB) and from then on keeps such blocks in
    /// the heap once freed: a backend that binds the ingestion's batches held 7-9 MB, 3.5 MB of it in its memory
    /// contexts. Fixed at glibc's default of 128 kB, the backends together held a quarter less (bench/findings.md,
    /// session 20). An operator's own setting, inherited, is left alone.
    /// </summary>
    internal static IReadOnlyDictionary<string, string> ServerEnvironment(Func<string, string?> inherited) =>
        inherited(MmapThreshold) is null ? new Dictionary<string, string> { [MmapThreshold] = "131072" } : new Dictionary<string, string>();
}
