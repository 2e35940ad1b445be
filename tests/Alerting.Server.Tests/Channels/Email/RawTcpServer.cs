using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Alerting.Channels.Email;

/// <summary>
/// A TCP server on 127.0.0.1 and a free port that hands each connection (numbered from 0) to a handler: for
/// servers that misbehave in ways a real SMTP server will not, and for a scripted SMTP dialogue.
/// </summary>
internal sealed class RawTcpServer : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();
    private readonly List<Task> connections = [];
    private readonly Task accepting;
    private int count;

    public RawTcpServer(Func<TcpClient, int, CancellationToken, Task> handle)
    {
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        accepting = AcceptAsync(handle);
    }

    public int Port { get; }

    public string Smarthost => $"127.0.0.1:{Port}";

    public int Connections => Volatile.Read(ref count);

    /// <summary>Accepts connections and never says a word.</summary>
    public static RawTcpServer Silent() => new(async (client, _, ct) =>
    {
        using (client)
        {
            await Task.Delay(Timeout.Infinite, ct);
        }
    });

    /// <summary>Closes the first <paramref name="drop"/> connections at once; forwards the others to <paramref name="target"/>.</summary>
    public static RawTcpServer DroppingProxy(int target, int drop = 1) => new(async (client, index, ct) =>
    {
        using (client)
        {
            if (index < drop)
            {
                client.Client.Close(0); // a reset, as a crashing server or a firewall gives
                return;
            }
            using var upstream = new TcpClient();
            await upstream.ConnectAsync(IPAddress.Loopback, target, ct);
            var a = client.GetStream();
            var b = upstream.GetStream();
            await Task.WhenAny(a.CopyToAsync(b, ct), b.CopyToAsync(a, ct));
        }
    });

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        Task[] pending;
        lock (connections)
        {
            pending = [accepting, .. connections];
        }
        try
        {
            await Task.WhenAll(pending).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException or TimeoutException)
        {
        }
        stop.Dispose();
    }

    private async Task AcceptAsync(Func<TcpClient, int, CancellationToken, Task> handle)
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            var index = Interlocked.Increment(ref count) - 1;
            lock (connections)
            {
                connections.Add(Task.Run(() => handle(client, index, stop.Token)));
            }
        }
    }
}

/// <summary>Line-based reading and writing for scripted SMTP dialogues.</summary>
internal sealed class SmtpLines(Stream stream)
{
    private readonly StreamReader reader = new(stream, Encoding.ASCII, false, 1024, leaveOpen: true);

    public async Task SendAsync(string line, CancellationToken ct)
    {
        await stream.WriteAsync(Encoding.ASCII.GetBytes(line + "\r\n"), ct);
        await stream.FlushAsync(ct);
    }

    public async Task<string> ReadAsync(CancellationToken ct) =>
        await reader.ReadLineAsync(ct) ?? throw new EndOfStreamException("the client closed the connection");
}
