using System.Globalization;
using System.Xml.Linq;
using Alerting.Channels.Http;

namespace Alerting.Channels.Sns;

/// <summary>
/// STS AssumeRole for sigv4.role_arn: the base credentials sign the call, the role's temporary credentials sign
/// the Publish. Regional endpoint (<c>sts.&lt;region&gt;.amazonaws.com</c>, FIPS with use_fips_sts_endpoint) as newer SDKs use.
/// </summary>
internal sealed class StsClient(HttpClient client, TimeProvider time)
{
    public const string ApiVersion = "2011-06-15";

    /// <summary>STS's endpoint (tests point it elsewhere).</summary>
    internal Func<SigV4Config, string, Uri> Endpoint { get; init; } = (sigv4, region) =>
        new Uri($"https://{(sigv4.UseFipsStsEndpoint ? "sts-fips" : "sts")}.{region}.{SnsNotifier.DnsSuffix(region)}/");

    /// <summary>The role's credentials (cached until shortly before they expire), or a failed result.</summary>
    public async Task<(AwsCredentials? Credentials, SendResult? Failure)> AssumeAsync(
        SigV4Config sigv4, AwsCredentials baseCredentials, string region, TimeSpan timeout, CancellationToken ct)
    {
        var cacheKey = string.Join('\n', sigv4.RoleArn, sigv4.ExternalId, baseCredentials.AccessKeyId, region);
        var now = time.GetUtcNow();
        if (AssumedRoles.Get(cacheKey, now) is { } cached)
        {
            return (cached, null);
        }
        var form = new GoUrlValues()
            .Add("Action", "AssumeRole")
            .Add("Version", ApiVersion)
            .Add("RoleArn", sigv4.RoleArn)
            .Add("RoleSessionName", "aws-go-sdk-" + (now.ToUnixTimeMilliseconds() * 1_000_000).ToString(CultureInfo.InvariantCulture))
            .Add("DurationSeconds", "900");
        if (sigv4.ExternalId.Length > 0)
        {
            form.Add("ExternalId", sigv4.ExternalId);
        }
        using var message = SnsRequests.Signed(Endpoint(sigv4, region), form.Encode(), baseCredentials, region, "sts", now);
        using var timeoutCts = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeoutCts.Token);
        try
        {
            using var response = await client.SendAsync(message, linked.Token);
            var body = await response.Content.ReadAsStringAsync(linked.Token);
            var status = (int)response.StatusCode;
            if (status / 100 != 2)
            {
                var (code, text) = SnsRequests.ParseError(body);
                var retry = Retrier.Default.IsRetryable(status) || SnsRequests.ThrottlingCodes.Contains(code);
                return (null, new SendResult(retry ? SendOutcome.Retryable : SendOutcome.Permanent, status,
                    $"assume role {sigv4.RoleArn}: {Retrier.Default.Error(status, text)}", TimeSpan.Zero));
            }
            var doc = XDocument.Parse(body);
            string Find(string name) => doc.Descendants().FirstOrDefault(e => e.Name.LocalName == name)?.Value ?? "";
            var credentials = new AwsCredentials(Find("AccessKeyId"), Find("SecretAccessKey"), Find("SessionToken"),
                DateTimeOffset.TryParse(Find("Expiration"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var expires) ? expires : now.AddMinutes(15));
            AssumedRoles.Put(cacheKey, credentials);
            return (credentials, null);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException or System.Xml.XmlException)
        {
            return (null, new SendResult(SendOutcome.Retryable, null, $"assume role {sigv4.RoleArn}: {e.Message}", TimeSpan.Zero));
        }
    }
}
