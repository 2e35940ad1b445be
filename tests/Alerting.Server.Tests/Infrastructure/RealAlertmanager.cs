using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Alerting.Infrastructure;

/// <summary>
/// The real Alertmanager (Debian's prometheus-alertmanager 0.25) on 127.0.0.1 with a private storage directory and
/// clustering off, for tests that compare our behaviour with it.
/// </summary>
public sealed class RealAlertmanager : IAsyncDisposable
{
    public const string Tool = "prometheus-alertmanager";

    private readonly Process _process;
    private readonly TempDirectory _dir;

    private RealAlertmanager(Process process, TempDirectory dir, Uri baseAddress)
    {
        _process = process;
        _dir = dir;
        Client = new HttpClient { BaseAddress = baseAddress };
    }

    public HttpClient Client { get; }

    public static async Task<RealAlertmanager> StartAsync(string config)
    {
        var binary = Tools.Require(Tool);
        var dir = new TempDirectory("am-");
        var configPath = Path.Combine(dir.Path, "alertmanager.yml");
        await File.WriteAllTextAsync(configPath, config);
        var port = FreePort();
        var info = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            "--config.file=" + configPath, "--storage.path=" + Path.Combine(dir.Path, "data"),
            $"--web.listen-address=127.0.0.1:{port}", "--cluster.listen-address=", "--log.level=warn",
        })
        {
            info.ArgumentList.Add(arg);
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start " + binary);
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var am = new RealAlertmanager(process, dir, new Uri($"http://127.0.0.1:{port}/"));
        var deadline = Deadline.In(TimeSpan.FromSeconds(15));
        while (!deadline.Passed && !process.HasExited)
        {
            try
            {
                if ((await am.Client.GetAsync("-/ready")).IsSuccessStatusCode)
                {
                    return am;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(100);
        }
        await am.DisposeAsync();
        throw new InvalidOperationException($"{binary} did not become ready on port {port}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        _dir.Dispose();
    }
}
