using Alerting.Core.Configuration;

namespace Alerting.Channels.Sns;

/// <summary>
/// <c>sns_configs</c>, as Alertmanager reads it: one of topic_arn, phone_number or target_arn, SigV4 credentials
/// (or the AWS environment), and Go templates for subject, message, attributes and the addresses.
/// </summary>
internal sealed record SnsConfig : IntegrationConfig
{
    public const string DefaultSubject = """{{ template "sns.default.subject" . }}""";
    public const string DefaultMessage = """{{ template "sns.default.message" . }}""";

    public override string Kind => SnsChannel.Name;

    public override bool SendResolved { get; init; } = true;

    public HttpClientConfig HttpConfig { get; init; } = HttpClientConfig.Default;

    /// <summary>The SNS endpoint, a template; empty means AWS's for the region.</summary>
    public string ApiUrl { get; init; } = "";

    public SigV4Config SigV4 { get; init; } = new();

    public string TopicArn { get; init; } = "";

    public string PhoneNumber { get; init; } = "";

    public string TargetArn { get; init; } = "";

    /// <summary>Sent only when not empty.</summary>
    public string Subject { get; init; } = DefaultSubject;

    public string Message { get; init; } = DefaultMessage;

    /// <summary>Message attributes: names and values are templates.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Attributes { get; init; } = [];

    public static SnsConfig Read(MapReader s, GlobalConfig global)
    {
        var sigv4 = s.Map("sigv4") is { } v ? SigV4Config.Read(v) : new SigV4Config();
        var config = new SnsConfig
        {
            SendResolved = s.Bool("send_resolved", true),
            HttpConfig = s.HttpConfig("http_config") ?? global.HttpConfig,
            ApiUrl = s.String("api_url") ?? "",
            SigV4 = sigv4,
            TopicArn = s.String("topic_arn") ?? "",
            PhoneNumber = s.String("phone_number") ?? "",
            TargetArn = s.String("target_arn") ?? "",
            Subject = s.String("subject") ?? DefaultSubject,
            Message = s.String("message") ?? DefaultMessage,
            Attributes = s.StringMap("attributes") ?? [],
            Line = LoadContext.Line(s.Node),
        };
        // Newer Alertmanagers' choice of the AWS SDK's own HTTP client; ours honours http_config either way.
        s.Bool("use_aws_http_client", false);
        // Alertmanager's check, a chained != of three booleans: it also lets all three through.
        if ((config.TargetArn.Length == 0) != (config.TopicArn.Length == 0) != (config.PhoneNumber.Length == 0))
        {
            s.Error("must provide either a Target ARN, Topic ARN, or Phone Number for SNS config");
        }
        s.Finish();
        return config;
    }
}

/// <summary>prometheus/sigv4's SigV4Config: empty values come from the AWS environment (variables, shared files).</summary>
internal sealed record SigV4Config
{
    public string Region { get; init; } = "";

    public string AccessKey { get; init; } = "";

    public string SecretKey { get; init; } = "";

    public string Profile { get; init; } = "";

    public string RoleArn { get; init; } = "";

    public string ExternalId { get; init; } = "";

    public bool UseFipsStsEndpoint { get; init; }

    /// <summary>Accepted as prometheus/sigv4 does; SNS is always signed for the service "sns".</summary>
    public string ServiceName { get; init; } = "";

    public static SigV4Config Read(MapReader v)
    {
        var config = new SigV4Config
        {
            Region = v.String("region") ?? "",
            AccessKey = v.String("access_key") ?? "",
            SecretKey = v.String("secret_key") ?? "",
            Profile = v.String("profile") ?? "",
            RoleArn = v.String("role_arn") ?? "",
            ExternalId = v.String("external_id") ?? "",
            UseFipsStsEndpoint = v.Bool("use_fips_sts_endpoint", false),
            ServiceName = v.String("service_name") ?? "",
        };
        if ((config.AccessKey.Length == 0) != (config.SecretKey.Length == 0))
        {
            v.Error("must provide a AWS SigV4 Access key and Secret Key if credentials are specified in the SigV4 config");
        }
        else if (config.ExternalId.Length > 0 && config.RoleArn.Length == 0)
        {
            v.Error("external_id", "external_id can only be used with role_arn");
        }
        v.Finish();
        return config;
    }
}
