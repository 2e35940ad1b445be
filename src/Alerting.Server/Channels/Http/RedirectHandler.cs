using System.Net;

namespace Alerting.Channels.Http;

/// <summary>
/// Follows redirects the way Go's net/http client does (SocketsHttpHandler's own following is off): at most
/// 10, POST turns into GET on 301/302/303, 307/308 resend the body. Every hop passes back through
/// <see cref="AuthHandler"/>, so credentials survive a same-host redirect (SocketsHttpHandler would drop
/// them), but they are withheld once a redirect leaves the original host or downgrades https to http.
/// </summary>
internal sealed class RedirectHandler : DelegatingHandler
{
    public const int MaxRedirects = 10;

    public static readonly HttpRequestOptionsKey<bool> WithholdCredentials = new("Alerting.WithholdCredentials");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var origin = request.RequestUri!;
        for (var redirects = 0; ; redirects++)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (Target(response, request.RequestUri!) is not { } target)
            {
                return response;
            }
            response.Dispose();
            if (redirects == MaxRedirects)
            {
                // A loop does not heal between retries.
                throw new HttpSendException($"stopped after {MaxRedirects} redirects", retryable: false);
            }
            if (!MayReceiveCredentials(origin, target))
            {
                request.Headers.Remove("Authorization");
                request.Options.Set(WithholdCredentials, true);
            }
            var status = response.StatusCode;
            if ((status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found && request.Method == HttpMethod.Post)
                || (status == HttpStatusCode.SeeOther && request.Method != HttpMethod.Head))
            {
                request.Method = HttpMethod.Get;
                request.Content = null;
            }
            request.RequestUri = target;
        }
    }

    private static Uri? Target(HttpResponseMessage response, Uri current)
    {
        if (response.StatusCode is not (HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
            or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect))
        {
            return null;
        }
        if (response.Headers.Location is not { } location)
        {
            return null; // as in Go: a 3xx without Location is handed back as the response
        }
        var target = location.IsAbsoluteUri ? location : new Uri(current, location);
        return target.Scheme is "http" or "https" ? target : null;
    }

    private static bool MayReceiveCredentials(Uri origin, Uri target) =>
        string.Equals(origin.IdnHost, target.IdnHost, StringComparison.OrdinalIgnoreCase)
        && !(origin.Scheme == Uri.UriSchemeHttps && target.Scheme == Uri.UriSchemeHttp);
}
