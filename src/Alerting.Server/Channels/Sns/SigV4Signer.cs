using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Alerting.Channels.Sns;

/// <summary>AWS credentials: an access key, its secret, and a session token for temporary ones.</summary>
internal sealed record AwsCredentials(string AccessKeyId, string SecretAccessKey, string? SessionToken = null, DateTimeOffset? Expires = null);

/// <summary>
/// AWS Signature Version 4 for a request with a body, as the AWS SDK for Go signs Query calls: the headers
/// signed are Content-Length, Content-Type, Host, X-Amz-Date and, with temporary credentials, X-Amz-Security-Token.
/// </summary>
internal static class SigV4Signer
{
    public const string Algorithm = "AWS4-HMAC-SHA256";

    /// <summary>The headers to add to a request with a body: X-Amz-Date, X-Amz-Security-Token (if any) and Authorization.</summary>
    /// <param name="host">The Host header as sent: the port only when it is not the scheme's default.</param>
    public static IReadOnlyList<KeyValuePair<string, string>> Sign(
        string method, Uri url, string host, string contentType, byte[] body, AwsCredentials credentials, string region, string service, DateTimeOffset now)
    {
        var amzDate = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var headers = new Dictionary<string, string>
        {
            ["content-length"] = body.Length.ToString(CultureInfo.InvariantCulture),
            ["content-type"] = contentType,
            ["host"] = host,
            ["x-amz-date"] = amzDate,
        };
        if (!string.IsNullOrEmpty(credentials.SessionToken))
        {
            headers["x-amz-security-token"] = credentials.SessionToken;
        }
        var result = new List<KeyValuePair<string, string>> { new("X-Amz-Date", amzDate) };
        if (!string.IsNullOrEmpty(credentials.SessionToken))
        {
            result.Add(new("X-Amz-Security-Token", credentials.SessionToken));
        }
        result.Add(new("Authorization", Authorization(method, url, headers, body, credentials, region, service)));
        return result;
    }

    /// <summary>The Authorization header for <paramref name="headers"/> (lower-case names, x-amz-date among them), all signed.</summary>
    public static string Authorization(
        string method, Uri url, IReadOnlyDictionary<string, string> headers, byte[] body, AwsCredentials credentials, string region, string service)
    {
        var amzDate = headers["x-amz-date"];
        var date = amzDate[..8];
        var sorted = headers.OrderBy(h => h.Key, StringComparer.Ordinal).ToList();
        var signedHeaders = string.Join(';', sorted.Select(h => h.Key));
        var canonicalRequest = string.Join('\n',
            method,
            CanonicalPath(url),
            CanonicalQuery(url),
            string.Concat(sorted.Select(h => $"{h.Key}:{Collapse(h.Value)}\n")),
            signedHeaders,
            Hex(SHA256.HashData(body)));
        var scope = $"{date}/{region}/{service}/aws4_request";
        var stringToSign = $"{Algorithm}\n{amzDate}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";
        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + credentials.SecretAccessKey), date);
        key = Hmac(key, region);
        key = Hmac(key, service);
        key = Hmac(key, "aws4_request");
        return $"{Algorithm} Credential={credentials.AccessKeyId}/{scope}, SignedHeaders={signedHeaders}, Signature={Hex(Hmac(key, stringToSign))}";
    }

    /// <summary>The escaped path escaped once more (the SDK's rule for every service but S3); "/" when empty.</summary>
    internal static string CanonicalPath(Uri url)
    {
        var path = url.AbsolutePath;
        return path.Length == 0 ? "/" : string.Join('/', path.Split('/').Select(Escape));
    }

    private static string CanonicalQuery(Uri url)
    {
        var query = url.Query.TrimStart('?');
        if (query.Length == 0)
        {
            return "";
        }
        return string.Join('&', query.Split('&')
            .Select(p => p.Split('=', 2))
            .Select(p => (Key: Escape(Uri.UnescapeDataString(p[0])), Value: Escape(Uri.UnescapeDataString(p.Length > 1 ? p[1] : ""))))
            .OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => $"{p.Key}={p.Value}"));
    }

    /// <summary>RFC 3986 escaping: unreserved characters stay, every other byte is %XX (upper case).</summary>
    private static string Escape(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var b in Encoding.UTF8.GetBytes(s))
        {
            if (b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9') or (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~')
            {
                sb.Append((char)b);
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }
        return sb.ToString();
    }

    /// <summary>Header values trimmed, runs of spaces as one.</summary>
    private static string Collapse(string value) => string.Join(' ', value.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries));

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
