using System.Text.Json.Nodes;

namespace Alerting.Hosting;

/// <summary>
/// The process's runtime settings that the benchmarks chose: memory from the soak (bench/findings.md, "Session 13"),
/// compilation from the flush storm ("Session 16").
/// </summary>
public sealed class MemorySettingsTests
{
    // The service's own runtimeconfig, built beside the tests (the test host runs with the test project's).
    private static JsonNode Properties() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "alerting.runtimeconfig.json")))!["runtimeOptions"]!["configProperties"]!;

    [Fact]
    public void The_service_keeps_objects_up_to_2_MB_off_the_large_object_heap_on_workstation_gc()
    {
        var properties = Properties();
        Assert.Equal(2 * 1024 * 1024, (int)properties["System.GC.LOHThreshold"]!);
        Assert.False((bool)properties["System.GC.Server"]!);
    }

    [Fact]
    public void The_service_runs_without_dynamic_pgo()
    {
        Assert.False((bool)Properties()["System.Runtime.TieredPGO"]!);
    }

    [Fact]
    public void Malloc_arenas_are_limited_unless_the_operator_set_them()
    {
        Assert.True(OperatingSystem.IsLinux(), "the service is built for Linux");
        // glibc's malloc.h: #define M_ARENA_MAX -8 (M_ARENA_TEST, -7, would be accepted as well, and limit nothing).
        Assert.Equal(-8, NativeHeap.MallocArenaMax);
        var before = (Environment.GetEnvironmentVariable("MALLOC_ARENA_MAX"), Environment.GetEnvironmentVariable("GLIBC_TUNABLES"));
        try
        {
            Environment.SetEnvironmentVariable("MALLOC_ARENA_MAX", null);
            Environment.SetEnvironmentVariable("GLIBC_TUNABLES", null);
            // glibc accepts the limit (mallopt answers 1); Debian's and the image's C library are glibc.
            Assert.True(NativeHeap.LimitArenas());
            Environment.SetEnvironmentVariable("MALLOC_ARENA_MAX", "4");
            Assert.False(NativeHeap.LimitArenas());
            Environment.SetEnvironmentVariable("MALLOC_ARENA_MAX", null);
            Environment.SetEnvironmentVariable("GLIBC_TUNABLES", "glibc.malloc.arena_max=4");
            Assert.False(NativeHeap.LimitArenas());
        }
        finally
        {
            Environment.SetEnvironmentVariable("MALLOC_ARENA_MAX", before.Item1);
            Environment.SetEnvironmentVariable("GLIBC_TUNABLES", before.Item2);
        }
    }
}
