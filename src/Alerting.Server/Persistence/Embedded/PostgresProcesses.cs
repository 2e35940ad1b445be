using System.Diagnostics;

namespace Alerting.Persistence.Embedded;

/// <summary>
/// Tells a live PostgreSQL process from a stale PID. <c>pg_ctl status</c> is not enough in containers:
/// after a restart the PID in postmaster.pid often belongs to some other process, or to an unreaped zombie.
/// </summary>
internal static class PostgresProcesses
{
    private const string Proc = "/proc";

    /// <summary>True when <paramref name="pid"/> is a live postgres process working in <paramref name="dataDirectory"/>.</summary>
    public static bool IsRunningIn(int pid, string dataDirectory)
    {
        if (pid <= 0 || pid == Environment.ProcessId)
        {
            return false;
        }

        if (!Directory.Exists(Proc))
        {
            return IsLivePostgres(pid);
        }

        if (ReadStat(pid) is not { } stat || IsDead(stat.State) || !IsPostgresName(stat.Comm))
        {
            return false;
        }

        // Postgres chdirs into its data directory; a cwd we may not read (another user's process) is given the benefit of the doubt.
        var cwd = ReadLink($"{Proc}/{pid}/cwd");
        return cwd is null || SamePath(cwd, dataDirectory);
    }

    /// <summary>PIDs of processes (other than zombies) whose working directory is <paramref name="dataDirectory"/>.</summary>
    public static IReadOnlyList<int> FindIn(string dataDirectory)
    {
        if (!Directory.Exists(Proc))
        {
            return [];
        }

        var found = new List<int>();
        foreach (var entry in Directory.EnumerateDirectories(Proc))
        {
            if (int.TryParse(Path.GetFileName(entry), out var pid)
                && pid != Environment.ProcessId
                && ReadLink($"{entry}/cwd") is { } cwd
                && SamePath(cwd, dataDirectory)
                && ReadStat(pid) is { } stat
                && !IsDead(stat.State))
            {
                found.Add(pid);
            }
        }

        return found;
    }

    /// <summary>The first line of postmaster.pid, or null when it is missing or unreadable.</summary>
    public static int? ReadPostmasterPid(string dataDirectory)
    {
        try
        {
            using var reader = new StreamReader(Path.Combine(dataDirectory, "postmaster.pid"));
            return int.TryParse(reader.ReadLine(), out var pid) ? pid : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static bool IsPostgresName(string name) => name is "postgres" or "postmaster";

    // Zombie or dead: gone for our purposes even though kill(pid, 0) still succeeds.
    private static bool IsDead(char state) => state is 'Z' or 'X' or 'x';

    private static bool IsLivePostgres(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited && IsPostgresName(process.ProcessName);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    private static (string Comm, char State)? ReadStat(int pid)
    {
        try
        {
            // "pid (comm) S ...": comm may itself contain spaces and parentheses, so split at the last ')'.
            var stat = File.ReadAllText($"{Proc}/{pid}/stat");
            var open = stat.IndexOf('(', StringComparison.Ordinal);
            var close = stat.LastIndexOf(')');
            return open < 0 || close < open || close + 2 >= stat.Length
                ? null
                : (stat[(open + 1)..close], stat[close + 2]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string? ReadLink(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static bool SamePath(string a, string b) =>
        string.Equals(RealPath(a), RealPath(b), StringComparison.Ordinal);

    /// <summary>Resolves symlinks in every component, as /proc/PID/cwd is already resolved.</summary>
    internal static string RealPath(string path)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        var root = Path.GetPathRoot(full) ?? "/";
        var resolved = root;
        foreach (var part in full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            var next = Path.Combine(resolved, part);
            try
            {
                var target = new FileInfo(next).ResolveLinkTarget(returnFinalTarget: true);
                resolved = target is null ? next : Path.TrimEndingDirectorySeparator(target.FullName);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                resolved = next;
            }
        }

        return resolved;
    }
}
