using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Alerting.Infrastructure;

/// <summary>
/// A private RabbitMQ node (Debian's rabbitmq-server) as a child process: its own node name, ports, data and
/// logs in a temp directory, no plugins. It does not depend on, or touch, a system RabbitMQ service.
/// A test may stop it and start it again with its queues and messages intact.
/// </summary>
public sealed class RabbitMqBroker : IAsyncDisposable
{
    private const string DirectScript = "/usr/lib/rabbitmq/bin/rabbitmq-server";

    private readonly TempDirectory _dir = new("alerting-rmq-");
    private readonly string _node = $"alerting-test-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}@localhost";
    private readonly int _distPort = TestEnvironment.FreeLoopbackPort();
    private Process? _process;

    private RabbitMqBroker() => Port = TestEnvironment.FreeLoopbackPort();

    public int Port { get; }

    /// <summary>The URL for <c>--bus.rabbitmq-url</c> (guest may log in over loopback).</summary>
    public string Url => string.Create(CultureInfo.InvariantCulture, $"amqp://guest:guest@127.0.0.1:{Port}/");

    public static async Task<RabbitMqBroker> StartAsync()
    {
        var broker = new RabbitMqBroker();
        File.WriteAllText(Path.Combine(broker._dir.Path, "enabled_plugins"), "[].\n");
        File.WriteAllText(Path.Combine(broker._dir.Path, "rabbitmq.conf"), "");
        File.WriteAllText(Path.Combine(broker._dir.Path, "rabbitmq-env.conf"), "");
        try
        {
            await broker.StartAgainAsync();
            return broker;
        }
        catch
        {
            await broker.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the node and waits until its AMQP port accepts connections (it opens last in the boot).</summary>
    public async Task StartAgainAsync()
    {
        // As root, Debian's /usr/sbin wrapper would su to the rabbitmq user and ignore our environment.
        var script = File.Exists(DirectScript) ? DirectScript : Tools.Require("rabbitmq-server");
        var startInfo = new ProcessStartInfo(script)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _dir.Path,
        };
        var env = startInfo.Environment;
        env["HOME"] = _dir.Path; // the Erlang cookie goes here
        env["RABBITMQ_NODENAME"] = _node;
        env["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1";
        env["RABBITMQ_NODE_PORT"] = Port.ToString(CultureInfo.InvariantCulture);
        env["RABBITMQ_DIST_PORT"] = _distPort.ToString(CultureInfo.InvariantCulture);
        env["RABBITMQ_MNESIA_BASE"] = Path.Combine(_dir.Path, "mnesia");
        env["RABBITMQ_LOG_BASE"] = Path.Combine(_dir.Path, "log");
        env["RABBITMQ_PID_FILE"] = Path.Combine(_dir.Path, "rabbitmq.pid");
        env["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(_dir.Path, "enabled_plugins");
        env["RABBITMQ_CONFIG_FILE"] = Path.Combine(_dir.Path, "rabbitmq");
        env["RABBITMQ_CONF_ENV_FILE"] = Path.Combine(_dir.Path, "rabbitmq-env.conf");
        var process = Process.Start(startInfo)!;
        process.StandardInput.Close();
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        var started = Stopwatch.StartNew();
        while (started.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"rabbitmq-server exited with {process.ExitCode}; logs in {_dir.Path}/log");
            }
            if (await AcceptsAsync(Port))
            {
                return;
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"rabbitmq-server did not open port {Port} within 60 s");
    }

    /// <summary>Stops the node (SIGTERM: a clean broker shutdown) and waits until it is gone.</summary>
    public async Task StopAsync()
    {
        if (_process is not { HasExited: false } process)
        {
            return;
        }
        var beam = ReadPid() ?? process.Id;
        using (var kill = Process.Start("kill", ["-TERM", beam.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _dir.Dispose();
    }

    private int? ReadPid()
    {
        var file = Path.Combine(_dir.Path, "rabbitmq.pid");
        return File.Exists(file) && int.TryParse(File.ReadAllText(file).Trim(), out var pid) ? pid : null;
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
