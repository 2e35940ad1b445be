namespace Alerting.Persistence.Embedded;

/// <summary>
/// The embedded server's memory. In a 30-minute soak (bench/findings.md, "Session 14") PostgreSQL's memory grew for the
/// whole run in two ways, each of which alone reached the same level: backends kept what they had freed in their heap,
/// and the buffer pool's pages were counted as they were first used, up to initdb's 128 MB.
/// </summary>
internal sealed partial class EmbeddedPostgres
{
    /// <summary>glibc's threshold above which malloc maps a block of its own, given back to the OS when freed.</summary>
    internal const string MmapThreshold = "MALLOC_MMAP_THRESHOLD_";

    /// <summary>
    /// Appended to a new cluster's postgresql.conf, where an operator may change them; clusters made before keep theirs.
    /// </summary>
    internal const string MemorySettings = """


        # Alerting: a small buffer pool for a small database; reads beyond it come from the OS page cache. The WAL
        # buffers stay what initdb's 128MB gave them.
        shared_buffers = 32MB
        wal_buffers = 4MB

        """;

    /// <summary>
    /// The server's environment beside ours. glibc raises its mmap threshold to the largest block freed (up to 32 MB) and
    /// from then on keeps such blocks in the heap once freed: the backends that build the ingestion's large statements
    /// kept 40–55 MB each, idle, in 3 MB of memory contexts. Fixed at glibc's default of 128 kB, large blocks go back when
    /// freed. An operator's own setting, inherited, is left alone.
    /// </summary>
    internal static IReadOnlyDictionary<string, string> ServerEnvironment(Func<string, string?> inherited) =>
        inherited(MmapThreshold) is null ? new Dictionary<string, string> { [MmapThreshold] = "131072" } : new Dictionary<string, string>();

    private static Task AppendMemorySettingsAsync(EmbeddedPostgresPaths paths, CancellationToken ct) =>
        File.AppendAllTextAsync(Path.Combine(paths.DataDirectory, "postgresql.conf"), MemorySettings, ct);
}
