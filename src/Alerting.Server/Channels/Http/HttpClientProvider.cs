using System.Collections.Concurrent;
using System.Net;
using Alerting.Core.Configuration;

namespace Alerting.Channels.Http;

/// <summary>
/// One HttpClient per distinct <see cref="HttpClientConfig"/> (record equality), shared by every integration
/// that uses it, so receivers with the same settings share a connection pool.
/// </summary>
/// <remarks>
/// Clients live as long as the provider: a reload that changes a config adds a client and leaves the old
/// one idle; its pooled connections close after the idle timeout, so what stays behind is small.
/// </remarks>
internal sealed class HttpClientProvider : IDisposable
{
    // Bounded so DNS changes (a receiver moved behind a new address) are picked up by new connections.
    public static readonly TimeSpan PooledConnectionLifetime = TimeSpan.FromMinutes(2);

    private readonly ConcurrentDictionary<HttpClientConfig, Lazy<HttpClient>> clients = new();
    private bool disposed;

    public HttpClient Get(HttpClientConfig config)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        return clients.GetOrAdd(config, c => new Lazy<HttpClient>(() => Create(c))).Value;
    }

    public void Dispose()
    {
        disposed = true;
        foreach (var client in clients.Values.Where(l => l.IsValueCreated))
        {
            client.Value.Dispose();
        }
        clients.Clear();
    }

    internal static HttpClient Create(HttpClientConfig config)
    {
        var sockets = new SocketsHttpHandler
        {
            PooledConnectionLifetime = PooledConnectionLifetime,
            AllowAutoRedirect = false, // RedirectHandler follows them, when asked to
            // prometheus/common's client disables compression, so Alertmanager sends no Accept-Encoding.
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            // prometheus/common 0.38 ignores the proxy environment variables: only proxy_url counts.
            UseProxy = config.ProxyUrl is not null,
            Proxy = UsableProxy(config.ProxyUrl) is { } proxy ? Proxy(proxy) : null,
        };
        if (config.TlsConfig is { } tls)
        {
            TlsSetup.Apply(sockets.SslOptions, tls);
        }

        // Go's url.Parse takes "foo" as a proxy_url, and Alertmanager loads it; its sends then fail, and so do ours.
        HttpMessageHandler handler = config.ProxyUrl is { } unusable && UsableProxy(unusable) is null ? new UnusableProxy(unusable) : sockets;
        if (AuthHandler.Needed(config))
        {
            handler = new AuthHandler(config) { InnerHandler = handler };
        }
        if (config.FollowRedirects)
        {
            handler = new RedirectHandler { InnerHandler = handler };
        }
        return new HttpClient(handler)
        {
            // Each notifier bounds its own attempt; a client-wide timeout would fight with it.
            Timeout = Timeout.InfiniteTimeSpan,
            // HTTP/2 only where TLS negotiates it (ALPN), HTTP/1.1 otherwise: as Go's transport with enable_http2.
            DefaultRequestVersion = config.EnableHttp2 ? HttpVersion.Version20 : HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };
    }

    private static Uri? UsableProxy(string? url) =>
        url is not null && Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Host.Length > 0
        && uri.Scheme is "http" or "https" or "socks4" or "socks4a" or "socks5" ? uri : null;

    /// <summary>Fails every request, as Go's transport does with a proxy it cannot dial.</summary>
    private sealed class UnusableProxy(string url) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new HttpRequestException($"proxy_url {url} is not a proxy that can be reached (an absolute http, https or socks URL is needed)");
    }

    /// <summary>Userinfo in proxy_url authenticates to the proxy, as in Go; it stays out of the proxy's URI.</summary>
    private static WebProxy Proxy(Uri url)
    {
        var address = new Uri(url.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped));
        var proxy = new WebProxy(address) { BypassProxyOnLocal = false };
        if (url.UserInfo.Length > 0)
        {
            var parts = url.UserInfo.Split(':', 2);
            proxy.Credentials = new NetworkCredential(Uri.UnescapeDataString(parts[0]), parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : "");
        }
        return proxy;
    }
}
