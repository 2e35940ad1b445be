using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Polly;
using Polly.Retry;

namespace Alerting.Persistence.Embedded;

/// <summary>Setting up the cluster: the binaries, its directories and password, initdb, and starting the server.</summary>
internal sealed partial class EmbeddedPostgres
{
    internal static string MissingBinariesMessage =>
        "PostgreSQL server binaries (pg_ctl, initdb, postgres) were not found on PATH or under "
        + $"{LibRoot}/*/bin. Install them (Debian/Ubuntu: apt-get install postgresql; "
        + "Fedora/RHEL: dnf install postgresql-server; Alpine: apk add postgresql; macOS: brew install postgresql), "
        + "or use an existing server with --database.url / ALERTING_DATABASE_URL.";

    /// <summary>The directory holding pg_ctl, initdb and postgres: PATH first, then the newest under /usr/lib/postgresql.</summary>
    public static string? FindBinaries() =>
        FindBinaries(Environment.GetEnvironmentVariable("PATH"), LibRoot);

    internal static string? FindBinaries(string? pathVariable, string libRoot)
    {
        var fromPath = (pathVariable ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .FirstOrDefault(HasTools);
        if (fromPath is not null)
        {
            // PATH often holds symlinks (/usr/local/bin/pg_ctl -> /usr/lib/postgresql/15/bin/pg_ctl): report the real install.
            var target = new FileInfo(Path.Combine(fromPath, ToolFile("pg_ctl"))).ResolveLinkTarget(returnFinalTarget: true);
            var resolved = target is null ? null : Path.GetDirectoryName(target.FullName);
            return Path.GetFullPath(resolved is not null && HasTools(resolved) ? resolved : fromPath);
        }

        if (!Directory.Exists(libRoot))
        {
            return null;
        }

        // Debian-style layout: /usr/lib/postgresql/<version>/bin, several versions side by side.
        return Directory.EnumerateDirectories(libRoot)
            .Select(dir => (Version: ParseVersion(Path.GetFileName(dir)), Bin: Path.Combine(dir, "bin")))
            .Where(candidate => candidate.Version is not null && HasTools(candidate.Bin))
            .OrderByDescending(candidate => candidate.Version)
            .Select(candidate => candidate.Bin)
            .FirstOrDefault();

        static bool HasTools(string dir) => Tools.All(tool => File.Exists(Path.Combine(dir, ToolFile(tool))));

        static string ToolFile(string tool) => OperatingSystem.IsWindows() ? tool + ".exe" : tool;

        static Version? ParseVersion(string name) =>
            Version.TryParse(name.Contains('.', StringComparison.Ordinal) ? name : name + ".0", out var version)
                ? version
                : null;
    }

    private static async Task WaitForOrphansAsync(string dataDirectory, CancellationToken ct)
    {
        var time = TimeProvider.System;
        var started = time.GetTimestamp();
        while (PostgresProcesses.FindIn(dataDirectory) is { Count: > 0 } orphans)
        {
            if (time.GetElapsedTime(started) > OrphanTimeout)
            {
                throw new EmbeddedPostgresException(
                    $"Processes {string.Join(", ", orphans)} of a previous PostgreSQL still use {dataDirectory}; "
                    + "stop them before starting the service again.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), time, ct);
        }
    }

    private static string LoadOrCreatePassword(EmbeddedPostgresPaths paths, bool initialised)
    {
        if (File.Exists(paths.PasswordFile))
        {
            if (!OperatingSystem.IsWindows())
            {
                // Tighten it should someone have loosened it; when root, this leaves it root-only.
                File.SetUnixFileMode(paths.PasswordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            var existing = File.ReadAllText(paths.PasswordFile).Trim();
            return existing.Length > 0
                ? existing
                : throw new EmbeddedPostgresException($"The password file {paths.PasswordFile} is empty.");
        }

        if (initialised)
        {
            throw new EmbeddedPostgresException(
                $"{paths.DataDirectory} holds a PostgreSQL cluster but its password file {paths.PasswordFile} is missing. "
                + $"Restore that file, or delete {paths.DataDirectory} to start with an empty database.");
        }

        // Hex: nothing to escape in connection strings, pwfiles or shells.
        var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var temporary = paths.PasswordFile + ".tmp";
        WriteSecret(temporary, password);
        File.Move(temporary, paths.PasswordFile, overwrite: false);
        return password;
    }

    private static void WriteSecret(string path, string secret) => WritePrivateFile(path, secret + "\n");

    /// <summary>Writes a file only its owner may read, without a window in which it is readable by others.</summary>
    private static void WritePrivateFile(string path, string content)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        // No BOM: initdb would take it as part of the password.
        using var writer = new StreamWriter(path, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), options);
        writer.Write(content);
    }

    private static async Task PrepareDirectoriesAsync(
        PostgresTools tools, EmbeddedPostgresPaths paths, bool initialised, CancellationToken ct)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(paths.DataDirectory);
            return;
        }

        // Postgres refuses a data directory that others can read.
        Directory.CreateDirectory(paths.DataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        if (!initialised)
        {
            File.SetUnixFileMode(paths.DataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        if (tools.RunAs is null)
        {
            return;
        }

        await CheckTraversableAsync(tools, paths.StoragePath, ct);
        if (!File.Exists(paths.LogFile))
        {
            WritePrivateFile(paths.LogFile, "");
        }

        // The postgres user must own its data directory and be able to append to the log pg_ctl opens for it.
        foreach (var path in new[] { paths.DataDirectory, paths.LogFile })
        {
            (await ProcessRunner.RunAsync("chown", [tools.RunAs + ":", path], CommandTimeout, ct))
                .EnsureSuccess($"Giving {path} to the {tools.RunAs} user");
        }
    }

    private static async Task CheckTraversableAsync(PostgresTools tools, string storagePath, CancellationToken ct)
    {
        if ((await tools.RunAsOsUserAsync("test", ["-x", storagePath], ct)).Succeeded)
        {
            return;
        }

        // Name the first directory on the way down that the postgres user cannot enter.
        var blocking = storagePath;
        for (var dir = storagePath; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (!(await tools.RunAsOsUserAsync("test", ["-x", dir], ct)).Succeeded)
            {
                blocking = dir;
            }
        }

        throw new EmbeddedPostgresException(
            $"PostgreSQL runs as the '{tools.RunAs}' user, which cannot enter {blocking} on the way to the storage path "
            + $"{storagePath}. Choose a --storage.path that user can reach (e.g. under /var/lib), or allow it in: "
            + $"chmod o+x {ProcessRunner.ShellQuote(blocking)}");
    }

    private static async Task InitialiseAsync(
        PostgresTools tools, EmbeddedPostgresPaths paths, string password, ILogger logger, CancellationToken ct)
    {
        logger.LogInformation("Initialising a PostgreSQL cluster in {DataDirectory}", paths.DataDirectory);

        // When root, the password file is root's alone: give postgres a copy for the duration of initdb.
        var passwordFile = paths.PasswordFile;
        string? temporary = null;
        if (tools.RunAs is not null)
        {
            temporary = Path.Combine(Path.GetTempPath(), $"alerting-pwfile-{Guid.NewGuid():N}");
            WriteSecret(temporary, password);
            passwordFile = temporary;
            (await ProcessRunner.RunAsync("chown", [tools.RunAs, temporary], CommandTimeout, ct))
                .EnsureSuccess("Handing the initial password to the postgres user");
        }

        try
        {
            var result = await tools.RunAsync(
                "initdb",
                [
                    "-D", paths.DataDirectory,
                    "-U", UserName,
                    "--auth-local=scram-sha-256",
                    "--auth-host=scram-sha-256",
                    $"--pwfile={passwordFile}",
                    "-E", "UTF8",
                    "--locale=C",
                ],
                CommandTimeout,
                ct);
            result.EnsureSuccess($"Initialising PostgreSQL in {paths.DataDirectory}");
        }
        finally
        {
            if (temporary is not null)
            {
                File.Delete(temporary);
            }
        }
    }

    private static async Task<int> StartServerAsync(
        PostgresTools tools,
        EmbeddedPostgresPaths paths,
        IReadOnlyDictionary<string, string> serverSettings,
        ILogger logger,
        CancellationToken ct)
    {
        // Someone may take the port between our probe and postgres binding it, and backends of a killed server may
        // still hold its shared memory: both pass with another try, on another port (Polly).
        var retry = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<TransientStartException>(),
                MaxRetryAttempts = StartAttempts - 1,
                BackoffType = DelayBackoffType.Constant,
                Delay = TimeSpan.FromSeconds(1),
                UseJitter = false,
                OnRetry = args =>
                {
                    logger.LogWarning("PostgreSQL did not start on port {Port}; trying again", ((TransientStartException)args.Outcome.Exception!).Port);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
        try
        {
            return await retry.ExecuteAsync(async token => await StartOnceAsync(tools, paths, serverSettings, FreeLoopbackPort(), logger, token), ct);
        }
        catch (TransientStartException e)
        {
            throw new EmbeddedPostgresException(e.Message);
        }
    }

    private static async Task<int> StartOnceAsync(
        PostgresTools tools,
        EmbeddedPostgresPaths paths,
        IReadOnlyDictionary<string, string> serverSettings,
        int port,
        ILogger logger,
        CancellationToken ct)
    {
        var logStart = LogLength(paths.LogFile);
        logger.LogInformation("Starting PostgreSQL on 127.0.0.1:{Port}", port);
        var result = await tools.RunAsync(
            "pg_ctl",
            [
                "start", "-D", paths.DataDirectory, "-l", paths.LogFile, "-w", "-t", "60",
                "-o", PostgresOptions(paths, port, serverSettings),
            ],
            CommandTimeout,
            ct,
            ServerEnvironment(Environment.GetEnvironmentVariable));
        if (result.Succeeded)
        {
            return port;
        }

        // A timed-out start may leave a half-started server behind.
        await tools.RunAsync("pg_ctl", ["stop", "-D", paths.DataDirectory, "-m", "immediate", "-w"], CommandTimeout, ct);

        var newLog = ReadLog(paths.LogFile, logStart);
        var message = $"Starting PostgreSQL failed: `{result.Command}` exited with code {result.ExitCode}:"
            + $"{Environment.NewLine}{result.Output}{LogTail(paths.LogFile)}";
        var transient = newLog.Contains("could not bind", StringComparison.OrdinalIgnoreCase)
            || newLog.Contains("could not create any TCP/IP sockets", StringComparison.OrdinalIgnoreCase)
            || newLog.Contains("is still in use", StringComparison.OrdinalIgnoreCase);
        throw transient ? new TransientStartException(message, port) : new EmbeddedPostgresException(message);
    }

    /// <summary>A start that failed for a reason another try may not meet (the port taken, old shared memory).</summary>
    private sealed class TransientStartException(string message, int port) : Exception(message)
    {
        public int Port { get; } = port;
    }

    /// <summary>The postgres command line; pg_ctl hands it to /bin/sh, hence the quoting.</summary>
    private static string PostgresOptions(EmbeddedPostgresPaths paths, int port, IReadOnlyDictionary<string, string> settings)
    {
        var options = new List<string>
        {
            "-p", port.ToString(CultureInfo.InvariantCulture),
            "-c", "listen_addresses=127.0.0.1",
        };

        // sun_path is ~108 bytes; we only need the socket for local tools like psql, so skip it when too long.
        var socketPath = Path.Combine(paths.DataDirectory, $".s.PGSQL.{port}");
        if (Encoding.UTF8.GetByteCount(socketPath) < MaxSocketPathBytes)
        {
            options.AddRange(["-k", ProcessRunner.ShellQuote(paths.DataDirectory), "-c", "unix_socket_permissions=0700"]);
        }
        else
        {
            options.AddRange(["-c", "unix_socket_directories=''"]);
        }

        // Crash recovery (after a kill -9 or the OOM killer) first fsyncs every file of the data directory, one by one:
        // seconds on a busy machine. One syncfs() of the file system is as durable and takes a fraction of that
        // (PostgreSQL 14+, Linux; it also flushes other programs' writes to that file system).
        if (OperatingSystem.IsLinux() && MajorVersion(paths) >= 14 && !settings.ContainsKey("recovery_init_sync_method"))
        {
            options.AddRange(["-c", "recovery_init_sync_method=syncfs"]);
        }

        foreach (var (name, value) in settings)
        {
            if (!name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.'))
            {
                throw new ArgumentException($"Invalid PostgreSQL setting name '{name}'.", nameof(settings));
            }

            options.AddRange(["-c", ProcessRunner.ShellQuote($"{name}={value}")]);
        }

        return string.Join(' ', options);
    }

    /// <summary>The cluster's major version from PG_VERSION ("15"), or 0 when it cannot be read.</summary>
    private static int MajorVersion(EmbeddedPostgresPaths paths)
    {
        try
        {
            return int.TryParse(File.ReadAllText(paths.VersionFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var major) ? major : 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static long LogLength(string logFile) => File.Exists(logFile) ? new FileInfo(logFile).Length : 0;

    private static string ReadLog(string logFile, long from)
    {
        try
        {
            using var stream = new FileStream(logFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            stream.Seek(Math.Min(from, stream.Length), SeekOrigin.Begin);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            return reader.ReadToEnd();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    /// <summary>The last lines of postgres.log, formatted to append to an error message.</summary>
    internal static string LogTail(string logFile, int lines = 30)
    {
        const int MaxBytes = 16 * 1024;
        var text = ReadLog(logFile, Math.Max(0, LogLength(logFile) - MaxBytes));
        var tail = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(lines).ToArray();
        return tail.Length == 0
            ? ""
            : $"{Environment.NewLine}Last lines of {logFile}:{Environment.NewLine}{string.Join(Environment.NewLine, tail)}";
    }
}
