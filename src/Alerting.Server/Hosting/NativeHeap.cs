using System.Runtime.InteropServices;

namespace Alerting.Hosting;

/// <summary>
/// glibc gives threads up to eight malloc arenas per core, and an arena keeps what its busiest moment took: in the soak
/// the process's memory outside the GC heap grew by 16–22 MB in ten minutes (bench/findings.md, "Session 13"). A limit
/// of two set here stops new arenas, but the runtime's first threads have made theirs by now (6 at rest, against 15
/// without and 1 with MALLOC_ARENA_MAX=2 in the environment, which the image sets). An operator's own MALLOC_ARENA_MAX
/// wins; other C libraries (musl) are left alone.
/// </summary>
internal static class NativeHeap
{
    public const int Arenas = 2;

    private const int MallocArenaMax = -8; // M_ARENA_MAX in glibc's malloc.h

    /// <summary>True when the limit was set here.</summary>
    public static bool LimitArenas()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("MALLOC_ARENA_MAX") is not null)
        {
            return false;
        }
        try
        {
            return Mallopt(MallocArenaMax, Arenas) == 1;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    }

    // glibc by its soname (a bare "libc" can find the linker script of the dev package); DllImport, not LibraryImport:
    // that needs unsafe code in the project for two ints.
#pragma warning disable SYSLIB1054
    [DllImport("libc.so.6", EntryPoint = "mallopt")]
    private static extern int Mallopt(int param, int value);
#pragma warning restore SYSLIB1054
}
