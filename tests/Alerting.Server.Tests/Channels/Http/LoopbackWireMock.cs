using System.Net;
using System.Net.Sockets;
using WireMock.Logging;
using WireMock.Server;
using WireMock.Settings;

namespace Alerting.Channels.Http;

/// <summary>WireMock.Net bound to 127.0.0.1 only (its default binds every interface), on a free port.</summary>
internal static class LoopbackWireMock
{
    public static WireMockServer Start() => WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });

    /// <summary>An absolute URL on the server, e.g. <c>At("hook?x=1")</c>.</summary>
    public static Uri At(this WireMockServer server, string pathAndQuery) => new(new Uri(server.Url + "/"), pathAndQuery);

    public static IReadOnlyList<ILogEntry> Requests(this WireMockServer server) => [.. server.LogEntries];

    public static string? Header(this ILogEntry entry, string name) =>
        entry.RequestMessage.Headers?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)) is { Key: not null } h
            ? string.Join(", ", h.Value)
            : null;
}

/// <summary>
/// A 127.0.0.1 port that refuses connections: bound but never listening, and held until disposed so no
/// server started by a parallel test can take it meanwhile.
/// </summary>
internal sealed class ClosedPort : IDisposable
{
    private readonly Socket socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    public ClosedPort() => socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));

    public int Port => ((IPEndPoint)socket.LocalEndPoint!).Port;

    public void Dispose() => socket.Dispose();
}
