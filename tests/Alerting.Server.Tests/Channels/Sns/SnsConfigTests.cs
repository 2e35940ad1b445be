using Alerting.Channels.Http;
using Alerting.Infrastructure;

namespace Alerting.Channels.Sns;

public sealed class SnsConfigTests
{
    private static SnsConfig Load(string entry) => ReceiverConfigs.Load<SnsConfig>("sns", entry);

    private static IReadOnlyList<string> Errors(string entry) => ReceiverConfigs.Errors("sns", entry);

    [Fact]
    public void Defaults_are_Alertmanagers()
    {
        var c = Load("topic_arn: arn:aws:sns:us-east-1:1:t");
        Assert.True(c.SendResolved);
        Assert.Equal("arn:aws:sns:us-east-1:1:t", c.TopicArn);
        Assert.Equal(("", "", ""), (c.ApiUrl, c.PhoneNumber, c.TargetArn));
        Assert.Equal("""{{ template "sns.default.subject" . }}""", c.Subject);
        Assert.Equal("""{{ template "sns.default.message" . }}""", c.Message);
        Assert.Empty(c.Attributes);
        Assert.Equal(new SigV4Config(), c.SigV4);
    }

    [Fact]
    public void Every_key_is_read()
    {
        var c = Load("""
            api_url: 'https://sns.{{ .CommonLabels.region }}.amazonaws.com'
            phone_number: '+15555550100'
            subject: S
            message: M
            attributes: {a: b}
            use_aws_http_client: true
            send_resolved: false
            sigv4: {region: eu-west-1, access_key: AK, secret_key: SK, profile: p, role_arn: 'arn:aws:iam::1:role/r', external_id: x, use_fips_sts_endpoint: true, service_name: sns}
            """);
        Assert.Equal(("https://sns.{{ .CommonLabels.region }}.amazonaws.com", "+15555550100", "S", "M"), (c.ApiUrl, c.PhoneNumber, c.Subject, c.Message));
        Assert.Equal([new("a", "b")], c.Attributes);
        Assert.False(c.SendResolved);
        Assert.Equal(
            new SigV4Config { Region = "eu-west-1", AccessKey = "AK", SecretKey = "SK", Profile = "p", RoleArn = "arn:aws:iam::1:role/r", ExternalId = "x", UseFipsStsEndpoint = true, ServiceName = "sns" },
            c.SigV4);
    }

    [Theory]
    [InlineData("subject: s")]
    [InlineData("topic_arn: t\nphone_number: p")]
    [InlineData("target_arn: t\nphone_number: p")]
    public void One_destination_is_required(string entry)
    {
        Assert.Equal(["alerting.yml:6: receivers[0].sns_configs[0]: must provide either a Target ARN, Topic ARN, or Phone Number for SNS config"], Errors(entry));
    }

    [Fact]
    public void All_three_destinations_pass_as_in_Alertmanager()
    {
        // Its check is a chained != of three booleans, which all three set satisfies.
        Assert.Equal("p", Load("topic_arn: t\nphone_number: p\ntarget_arn: a").PhoneNumber);
    }

    [Theory]
    [InlineData("topic_arn: t\nsigv4: {access_key: a}", "alerting.yml:7: receivers[0].sns_configs[0].sigv4: must provide a AWS SigV4 Access key and Secret Key if credentials are specified in the SigV4 config")]
    [InlineData("topic_arn: t\nsigv4: {external_id: x}", "alerting.yml:7: receivers[0].sns_configs[0].sigv4.external_id: external_id can only be used with role_arn")]
    [InlineData("topic_arn: t\nsigv4: {region: r, token: x}", "alerting.yml:7: receivers[0].sns_configs[0].sigv4.token: field token not found (unknown field)")]
    public void Errors_name_file_line_and_field(string entry, string error)
    {
        Assert.Contains(error, Errors(entry));
    }

    [Fact]
    public void The_secret_key_is_masked_in_the_shown_configuration()
    {
        var masked = ReceiverConfigs.LoadFile("sns", "topic_arn: t\nsigv4: {region: us-east-1, access_key: AKIAEXAMPLE, secret_key: SNS-SECRET-1}").MaskedYaml;
        Assert.DoesNotContain("SNS-SECRET-1", masked);
        Assert.Contains("secret_key: <secret>", masked);
        Assert.Contains("access_key: AKIAEXAMPLE", masked);
        Assert.Equal("<secret>", Assert.Single(TestConfig.Load(masked, "masked.yml").FindReceiver("r")!.Integrations<SnsConfig>()).SigV4.SecretKey);
    }
}
