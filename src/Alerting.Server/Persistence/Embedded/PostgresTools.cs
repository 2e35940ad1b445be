namespace Alerting.Persistence.Embedded;

/// <summary>Runs the PostgreSQL binaries, as the postgres OS user when we are root: postgres refuses to run as root.</summary>
internal sealed class PostgresTools(string binDirectory, string? runAs, string? runUser)
{
    /// <summary>The OS user the server runs as, or null when it runs as us.</summary>
    public string? RunAs => runAs;

    public static PostgresTools Create(string binDirectory, string osUser)
    {
        if (OperatingSystem.IsWindows() || !Environment.IsPrivilegedProcess)
        {
            return new PostgresTools(binDirectory, null, null);
        }

        var runUser = new[] { "/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser", "/bin/runuser" }
            .FirstOrDefault(File.Exists)
            ?? throw new EmbeddedPostgresException(
                $"Running as root, PostgreSQL must run as the '{osUser}' user, but runuser (util-linux) was not found.");
        return new PostgresTools(binDirectory, osUser, runUser);
    }

    /// <param name="environment">Added to ours, which the tool inherits (runuser keeps it) and passes on (pg_ctl to the server).</param>
    public Task<ProcessResult> RunAsync(
        string tool, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken ct, IReadOnlyDictionary<string, string>? environment = null) =>
        Run(Invocation(Path.Combine(binDirectory, tool), arguments), timeout, ct, environment);

    public Task<ProcessResult> RunAsOsUserAsync(string fileName, IReadOnlyList<string> arguments, CancellationToken ct) =>
        Run(Invocation(fileName, arguments), TimeSpan.FromSeconds(30), ct);

    /// <summary>The full argv of a PostgreSQL tool run, including the switch to the postgres user.</summary>
    public IReadOnlyList<string> ToolCommandLine(string tool, IReadOnlyList<string> arguments) =>
        Invocation(Path.Combine(binDirectory, tool), arguments);

    private List<string> Invocation(string fileName, IReadOnlyList<string> arguments) =>
        runUser is null ? [fileName, .. arguments] : [runUser, "-u", runAs!, "--", fileName, .. arguments];

    private static Task<ProcessResult> Run(
        List<string> commandLine, TimeSpan timeout, CancellationToken ct, IReadOnlyDictionary<string, string>? environment = null) =>
        ProcessRunner.RunAsync(commandLine[0], commandLine[1..], timeout, ct, environment);
}
