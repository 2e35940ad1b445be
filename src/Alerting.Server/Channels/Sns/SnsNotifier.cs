using Alerting.Channels.Http;
using Alerting.GoTemplates;

namespace Alerting.Channels.Sns;

/// <summary>
/// Amazon SNS (<c>sns_configs</c>), as Alertmanager's notifier: one Publish call of the Query API, form-encoded and
/// signed with SigV4 (region from sigv4 or AWS_REGION; credentials from <see cref="AwsCredentialChain"/>, through
/// STS when role_arn is set). 5xx and throttling are retried; other AWS errors are not.
/// </summary>
internal sealed class SnsNotifier(SnsConfig config, HttpClientProvider clients, GoTemplateSet templates, ILogger logger, TimeProvider time) : INotifier
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>Where credentials and the region come from (tests give their own environment).</summary>
    internal AwsCredentialChain Credentials { get; init; } = AwsCredentialChain.Process;

    /// <summary>STS's endpoint for role_arn (tests point it elsewhere).</summary>
    internal Func<SigV4Config, string, Uri>? StsEndpoint { get; init; }

    public string Integration => "sns";

    public bool SendResolved => config.SendResolved;

    public async Task<SendResult> SendAsync(NotificationRequest request, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        var data = request.Data ?? throw new InvalidOperationException("SNS needs the notification data");
        SendResult Retry(string error) => new(SendOutcome.Retryable, null, error, time.GetElapsedTime(started));

        // Alertmanager answers "retry" to every failure before the call, template errors included.
        var tmpl = new TemplateExpander(templates, data);
        var apiUrl = tmpl.Text(config.ApiUrl);
        var region = Credentials.Region(config.SigV4);
        if (region.Length == 0)
        {
            return Retry("region not configured in sns.sigv4.region or in default credentials chain");
        }
        var publish = SnsMessage.Build(config, data.GroupKey, tmpl.Text);
        if (publish.Truncated)
        {
            logger.LogWarning("SNS: truncated message to {MaxBytes} bytes (group {GroupKey})",
                config.PhoneNumber.Length > 0 ? SnsMessage.MaxSmsBytes : SnsMessage.MaxMessageBytes, data.GroupKey);
        }
        if (tmpl.Error is { } error)
        {
            return Retry($"templating error: {error.Message}");
        }
        if (Endpoint(apiUrl, region) is not { } url)
        {
            return Retry($"invalid endpoint uri \"{apiUrl}\"");
        }

        var (credentials, problem) = Credentials.Resolve(config.SigV4);
        if (credentials is null)
        {
            return Retry(problem!);
        }
        var client = clients.Get(config.HttpConfig);
        if (config.SigV4.RoleArn.Length > 0)
        {
            var sts = new StsClient(client, time) { Endpoint = StsEndpoint ?? new StsClient(client, time).Endpoint };
            var (assumed, failure) = await sts.AssumeAsync(config.SigV4, credentials, region, Timeout, ct);
            if (assumed is null)
            {
                return failure! with { Latency = time.GetElapsedTime(started) };
            }
            credentials = assumed;
        }

        using var message = SnsRequests.Signed(url, publish.Form, credentials, region, "sns", time.GetUtcNow());
        var errors = new SnsRequests.ErrorReader();
        var result = await HttpDelivery.SendAsync(client, message, Timeout, time, ct, errors.Retrier);
        return errors.Adjust(result) with { Latency = time.GetElapsedTime(started) };
    }

    /// <summary>
    /// The SDK's endpoint: the templated api_url (https:// added when it has no scheme) or AWS's for the region,
    /// with the operation's path "/" appended.
    /// </summary>
    internal static Uri? Endpoint(string apiUrl, string region)
    {
        var endpoint = apiUrl.Length == 0 ? $"https://sns.{region}.{DnsSuffix(region)}" : apiUrl.Contains("://", StringComparison.Ordinal) ? apiUrl : "https://" + apiUrl;
        var (head, tail) = endpoint.IndexOfAny(['?', '#']) is var q and >= 0 ? (endpoint[..q], endpoint[q..]) : (endpoint, "");
        var hostStart = head.IndexOf("://", StringComparison.Ordinal) + 3;
        var path = head.IndexOf('/', hostStart) is var slash and >= 0 ? head[slash..] : "";
        var withPath = (path.EndsWith('/') ? head : head + "/") + tail;
        return Uri.TryCreate(withPath, UriKind.Absolute, out var uri) ? uri : null;
    }

    /// <summary>AWS's DNS suffix of a region's partition.</summary>
    internal static string DnsSuffix(string region) => region switch
    {
        _ when region.StartsWith("cn-", StringComparison.Ordinal) => "amazonaws.com.cn",
        _ when region.StartsWith("us-isob-", StringComparison.Ordinal) => "sc2s.sgov.gov",
        _ when region.StartsWith("us-iso-", StringComparison.Ordinal) => "c2s.ic.gov",
        _ => "amazonaws.com",
    };
}
