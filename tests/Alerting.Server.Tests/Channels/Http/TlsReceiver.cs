using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;

namespace Alerting.Channels.Http;

/// <summary>What the receiver saw of one request.</summary>
internal sealed record ReceivedRequest(string Path, string Protocol, string Body, X509Certificate2? ClientCertificate);

/// <summary>
/// An HTTPS receiver on 127.0.0.1 with a random port, recording every request and answering 200. Plain
/// Kestrel rather than WireMock for the TLS tests: they need a certificate from a throwaway in-memory CA, a
/// required client certificate, and to see which certificate and protocol arrived.
/// </summary>
internal sealed class TlsReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<ReceivedRequest> requests = new();

    private TlsReceiver(WebApplication app) => this.app = app;

    /// <summary>https://127.0.0.1:port/</summary>
    public Uri BaseUri { get; private set; } = null!;

    public IReadOnlyList<ReceivedRequest> Requests => [.. requests];

    public ReceivedRequest Single => Assert.Single(requests);

    public Uri Url(string pathAndQuery) => new(BaseUri, pathAndQuery);

    public static async Task<TlsReceiver> StartAsync(X509Certificate2 certificate, bool requireClientCertificate = false)
    {
        // The empty builder reads no appsettings and watches no files: dozens of receivers stay cheap.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.UseHttps(https =>
            {
                https.ServerCertificate = certificate;
                if (requireClientCertificate)
                {
                    https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
                    https.AllowAnyClientCertificate();
                }
            });
        }));
        var app = builder.Build();
        var receiver = new TlsReceiver(app);
        app.Run(receiver.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        receiver.BaseUri = new Uri(address.EndsWith('/') ? address : address + "/");
        return receiver;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var body = await new StreamReader(context.Request.Body).ReadToEndAsync(context.RequestAborted);
        var request = new ReceivedRequest(context.Request.Path.Value ?? "", context.Request.Protocol, body, context.Connection.ClientCertificate);
        requests.Enqueue(request);
    }

    public async ValueTask DisposeAsync()
    {
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        await app.StopAsync(stopping.Token);
        await app.DisposeAsync();
    }
}
