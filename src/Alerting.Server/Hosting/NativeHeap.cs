using System.Runtime.InteropServices;

namespace Alerting.Hosting;

/// <summary>
/// Two glibc malloc arenas instead of up to eight per core: an arena keeps what its busiest moment took, and in the soak
/// the memory outside the GC heap crept (bench/findings.md, "Session 13"). Set here it stops new arenas only; those
/// the runtime's first threads made stay, hence MALLOC_ARENA_MAX in the image. An operator's own setting wins.
/// </summary>
internal static class NativeHeap
{
    public const int Arenas = 2;

    internal const int MallocArenaMax = -8; // M_ARENA_MAX in glibc's malloc.h

    /// <summary>True when the limit was set here.</summary>
    public static bool LimitArenas()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("MALLOC_ARENA_MAX") is not null
            || Environment.GetEnvironmentVariable("GLIBC_TUNABLES")?.Contains("glibc.malloc.arena_max", StringComparison.Ordinal) == true)
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
