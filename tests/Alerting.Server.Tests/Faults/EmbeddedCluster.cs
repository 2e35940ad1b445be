using System.Diagnostics;
using System.Globalization;
using Alerting.Infrastructure;
using Alerting.Persistence.Embedded;
using Npgsql;

namespace Alerting.Faults;

/// <summary>The embedded cluster of a child process, as its files under the storage path show it.</summary>
internal sealed record EmbeddedCluster(int Pid, int Port, string ConnectionString)
{
    /// <summary>Reads postmaster.pid (line 1 the PID, line 4 the port) and the password kept beside the cluster.</summary>
    public static EmbeddedCluster Read(string storagePath)
    {
        var paths = new EmbeddedPostgresPaths(Path.GetFullPath(storagePath));
        var lines = File.ReadAllLines(paths.PidFile);
        var port = int.Parse(lines[3], CultureInfo.InvariantCulture);
        var connectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Username = EmbeddedPostgres.UserName,
            Password = File.ReadAllText(paths.PasswordFile).Trim(),
            Database = EmbeddedPostgres.DatabaseName,
            Pooling = false,
        }.ConnectionString;
        return new EmbeddedCluster(int.Parse(lines[0], CultureInfo.InvariantCulture), port, connectionString);
    }

    /// <summary>Reads it once the postmaster has written a complete pid file (it does so in steps while it starts).</summary>
    public static async Task<EmbeddedCluster> ReadWhenWrittenAsync(string storagePath, TimeSpan timeout)
    {
        var deadline = Deadline.In(timeout);
        while (true)
        {
            try
            {
                return Read(storagePath);
            }
            catch (Exception e) when (e is IOException or IndexOutOfRangeException or FormatException && !deadline.Passed)
            {
                await Task.Delay(20);
            }
        }
    }

    /// <summary>SIGKILL to the postmaster, as the OOM killer sends it; its backends are left to notice.</summary>
    public void KillPostmaster()
    {
        using var postmaster = Process.GetProcessById(Pid);
        postmaster.Kill(entireProcessTree: false);
    }
}
