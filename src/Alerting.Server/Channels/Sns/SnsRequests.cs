using System.Xml.Linq;
using Alerting.Channels.Http;

namespace Alerting.Channels.Sns;

/// <summary>What the AWS Query API calls share: the SDK's headers, signing, and reading its XML errors.</summary>
internal static class SnsRequests
{
    /// <summary>The AWS SDK for Go's agent, as Alertmanager 0.25 sent it.</summary>
    public const string UserAgent = "aws-sdk-go/1.44.133 (go1.19.8; linux; amd64)";

    public const string FormContentType = "application/x-www-form-urlencoded; charset=utf-8";

    /// <summary>Error codes the SDK retries itself before giving up (throttling); here the engine retries them.</summary>
    public static readonly HashSet<string> ThrottlingCodes = new(StringComparer.Ordinal)
    {
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException", "TooManyRequestsException",
        "ProvisionedThroughputExceededException", "TransactionInProgressException", "RequestLimitExceeded",
        "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete", "EC2ThrottledException",
    };

    /// <summary>A signed POST of <paramref name="form"/> to <paramref name="url"/>, with the SDK's headers.</summary>
    public static HttpRequestMessage Signed(Uri url, string form, AwsCredentials credentials, string region, string service, DateTimeOffset now)
    {
        var body = System.Text.Encoding.UTF8.GetBytes(form);
        var message = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        message.Content.Headers.TryAddWithoutValidation("Content-Type", FormContentType);
        message.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        foreach (var (name, value) in SigV4Signer.Sign("POST", url, Host(url), FormContentType, body, credentials, region, service, now))
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }
        return message;
    }

    /// <summary>The Host header as sent: the port only when not the scheme's default.</summary>
    public static string Host(Uri url) => url.IsDefaultPort ? url.IdnHost : $"{url.IdnHost}:{url.Port}";

    /// <summary>Code and message of an AWS XML error (<c>&lt;ErrorResponse&gt;&lt;Error&gt;&lt;Code&gt;</c>...); empty when the body is no such thing.</summary>
    public static (string Code, string Message) ParseError(string body)
    {
        try
        {
            var doc = XDocument.Parse(body);
            string Find(string name) => doc.Descendants().FirstOrDefault(e => e.Name.LocalName == name)?.Value ?? "";
            return (Find("Code"), Find("Message"));
        }
        catch (System.Xml.XmlException)
        {
            return ("", "");
        }
    }

    /// <summary>A retrier that reads the XML error: its message in the error text, its code kept for <see cref="ThrottlingCodes"/>.</summary>
    public sealed class ErrorReader
    {
        public string Code { get; private set; } = "";

        public Retrier Retrier => new([], (_, body) =>
        {
            (Code, var message) = ParseError(body);
            return message;
        });

        /// <summary>A permanent failure the SDK would have retried (throttling) becomes retryable.</summary>
        public SendResult Adjust(SendResult result) =>
            result.Outcome == SendOutcome.Permanent && ThrottlingCodes.Contains(Code) ? result with { Outcome = SendOutcome.Retryable } : result;
    }
}
