using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;

namespace Alerting.Infrastructure;

/// <summary>
/// The real service binary (alerting.dll, copied to the test output) as a child process, so a test can
/// kill -9 it: no shutdown hooks, no lease release, exactly what a crash leaves behind.
/// </summary>
public sealed class ChildProcessAlerting : IAsyncDisposable
{
    /// <summary>
    /// A private copy of the test output, taken once per test process: builds running in parallel rewrite
    /// alerting.dll in the shared bin directory, and a child started mid-write fails with "Bad IL format".
    /// </summary>
    private static readonly Lazy<string> Binaries = new(SnapshotBinaries);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private ChildProcessAlerting(Process process, int port)
    {
        _process = process;
        Port = port;
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(15) };
        process.OutputDataReceived += (_, e) => Collect(e.Data);
        process.ErrorDataReceived += (_, e) => Collect(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Port { get; }

    public int ProcessId => _process.Id;

    /// <summary>A LIKE pattern for the instance name it uses for leases: <c>{MachineName}-{ProcessId}-{random}</c>.</summary>
    public string InstanceName => $"{Environment.MachineName}-{_process.Id}-%";

    public HttpClient Client { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>What the child wrote to stdout and stderr so far.</summary>
    public string Output => string.Join("\n", _output);

    /// <summary>Starts the binary on a free loopback port and waits until <c>/-/ready</c> answers 200.</summary>
    public static Task<ChildProcessAlerting> StartAsync(string configFile, string connectionString, TimeSpan? readyTimeout = null, IEnumerable<string>? arguments = null) =>
        StartProcessAsync(configFile, [$"--database.url={connectionString}", .. arguments ?? []], readyTimeout);

    /// <summary>As <see cref="StartAsync"/>, in the default mode: its own embedded PostgreSQL under <paramref name="storagePath"/>.</summary>
    public static Task<ChildProcessAlerting> StartEmbeddedAsync(string configFile, string storagePath, TimeSpan? readyTimeout = null, IEnumerable<string>? arguments = null) =>
        StartProcessAsync(configFile, [$"--storage.path={storagePath}", .. arguments ?? []], readyTimeout);

    private static async Task<ChildProcessAlerting> StartProcessAsync(string configFile, IEnumerable<string> arguments, TimeSpan? readyTimeout)
    {
        var port = TestEnvironment.FreeLoopbackPort();
        var startInfo = new ProcessStartInfo(DotnetHost())
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        startInfo.ArgumentList.Add(Path.Combine(Binaries.Value, "alerting.dll"));
        startInfo.ArgumentList.Add($"--config.file={configFile}");
        startInfo.ArgumentList.Add($"--web.listen-address=127.0.0.1:{port}");
        startInfo.ArgumentList.Add("--log.level=warn");
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        var child = new ChildProcessAlerting(Process.Start(startInfo)!, port);
        try
        {
            await child.WaitReadyAsync(readyTimeout ?? TimeSpan.FromSeconds(30));
            return child;
        }
        catch
        {
            await child.DisposeAsync();
            throw;
        }
    }

    /// <summary>SIGKILL, and waits until the process is gone.</summary>
    public async Task Kill9Async()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: false);
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _process.WaitForExitAsync(timeout.Token);
    }

    /// <summary>Sends a signal with kill(1): TERM for a graceful shutdown, HUP for a reload.</summary>
    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    /// <summary>SIGTERM, then waits for the exit; returns the exit code and how long the shutdown took.</summary>
    public async Task<(int ExitCode, TimeSpan Took)> TerminateAsync(TimeSpan timeout)
    {
        var started = Stopwatch.StartNew();
        await SignalAsync("TERM");
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return (_process.ExitCode, started.Elapsed);
    }

    public async Task<HttpResponseMessage> PostJsonAsync(string path, string json) =>
        await Client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Kill9Async();
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException)
        {
            // Already gone, or never started.
        }
        Client.Dispose();
        _process.Dispose();
    }

    private async Task WaitReadyAsync(TimeSpan timeout)
    {
        var deadline = Deadline.In(timeout);
        using var probe = new HttpClient { BaseAddress = Client.BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        while (!deadline.Passed)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"alerting exited with {_process.ExitCode} before it was ready:\n{Output}");
            }
            try
            {
                using var response = await probe.GetAsync("-/ready");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"alerting was not ready within {timeout}:\n{Output}");
    }

    private void Collect(string? line)
    {
        if (line is null)
        {
            return;
        }
        _output.Enqueue(line);
        while (_output.Count > 500 && _output.TryDequeue(out _))
        {
            // Keep the tail only.
        }
    }

    private static string SnapshotBinaries()
    {
        var source = AppContext.BaseDirectory;
        var target = Directory.CreateTempSubdirectory("alerting-child-bin-").FullName;
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(target, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Best effort: it is in the temp directory.
            }
        };
        return target;
    }

    /// <summary>The dotnet host running these tests (the SDK sets DOTNET_HOST_PATH), else dotnet on the PATH.</summary>
    private static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
        {
            return host;
        }
        if (Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            return self;
        }
        return "dotnet";
    }
}
