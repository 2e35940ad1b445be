using System.Net.Http.Headers;

namespace Alerting.Channels.Http;

/// <summary>
/// Requests as Alertmanager's notify.PostJSON and notify.Get make them, for the receivers that copy
/// Alertmanager's requests (its notify.Retrier is <see cref="Retrier"/>).
/// </summary>
internal static class AlertmanagerHttp
{
    /// <summary>notify.UserAgentHeader, at the version the golden captures (and the webhook) carry.</summary>
    public static readonly ProductInfoHeaderValue UserAgent = new("Alertmanager", "0.25.0");

    /// <summary>Go's net/http default, sent by clients that set no agent of their own (telebot).</summary>
    public static readonly ProductInfoHeaderValue GoUserAgent = new("Go-http-client", "1.1");

    /// <summary>A POST of a JSON body: <c>Content-Type: application/json</c> (no charset) and Alertmanager's agent.</summary>
    public static HttpRequestMessage PostJson(Uri url, string body, ProductInfoHeaderValue? userAgent = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        request.Headers.UserAgent.Add(userAgent ?? UserAgent);
        return request;
    }

    public static HttpRequestMessage Get(Uri url)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.UserAgent.Add(UserAgent);
        return request;
    }
}
