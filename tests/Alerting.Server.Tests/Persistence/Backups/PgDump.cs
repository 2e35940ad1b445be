using System.Diagnostics;
using Alerting.Persistence.Embedded;
using Npgsql;

namespace Alerting.Persistence.Backups;

/// <summary>
/// pg_dump and pg_restore as docs/operations.md gives them: the custom format, over TCP, the password in PGPASSWORD.
/// Clients both: they run as whoever runs the tests.
/// </summary>
internal static class PgDump
{
    /// <summary><c>pg_dump --format=custom</c> of the connection's database into <paramref name="file"/>.</summary>
    public static Task DumpAsync(string connectionString, string file) =>
        RunAsync("pg_dump", connectionString, ["--format=custom", $"--file={file}"]);

    /// <summary><c>pg_restore --no-owner --exit-on-error</c> of <paramref name="file"/> into the connection's (empty) database.</summary>
    public static Task RestoreAsync(string connectionString, string file) =>
        RunAsync("pg_restore", connectionString, ["--no-owner", "--exit-on-error", file]);

    private static async Task RunAsync(string tool, string connectionString, IEnumerable<string> arguments)
    {
        var bin = EmbeddedPostgres.FindBinaries() ?? throw new InvalidOperationException(EmbeddedPostgres.MissingBinariesMessage);
        var c = new NpgsqlConnectionStringBuilder(connectionString);
        var start = new ProcessStartInfo(Path.Combine(bin, tool)) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { $"--host={c.Host}", $"--port={c.Port}", $"--username={c.Username}", $"--dbname={c.Database}" }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["PGPASSWORD"] = c.Password;
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} exited with {process.ExitCode}: {await stderr}{await stdout}");
        }
    }
}
