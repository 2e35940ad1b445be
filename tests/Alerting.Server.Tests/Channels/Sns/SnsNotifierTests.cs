using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Alerting.Channels.Http;
using Alerting.Core.Notifications;
using Alerting.GoTemplates;
using Alerting.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using WireMock.Logging;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Alerting.Channels.Sns;

public sealed partial class SnsNotifierTests : IDisposable
{
    private const string Published = """<PublishResponse xmlns="https://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>m-1</MessageId></PublishResult></PublishResponse>""";
    private const string Keys = "sigv4: {region: us-east-1, access_key: AKIAORACLEEXAMPLE000, secret_key: golden-sns-secret-key}";
    private const string Plain = $"topic_arn: arn:aws:sns:us-east-1:1:t\nsubject: S\nmessage: M\n{Keys}";

    private readonly WireMockServer _server = LoopbackWireMock.Start();
    private readonly HttpClientProvider _clients = new();
    private readonly CapturingLoggerProvider _logs = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 8, 30, 0, TimeSpan.Zero));

    public void Dispose()
    {
        _server.Dispose();
        _clients.Dispose();
    }

    private void Answer(int status, string body = Published, string path = "/") =>
        _server.Given(WireMock.RequestBuilders.Request.Create().WithPath(path).UsingPost()).RespondWith(Response.Create().WithStatusCode(status).WithBody(body));

    private SnsConfig Load(string entry) => ReceiverConfigs.Load<SnsConfig>("sns", entry) with { ApiUrl = _server.Url + "/" };

    private SnsNotifier Notifier(SnsConfig config, Dictionary<string, string>? environment = null) =>
        new(config, _clients, GoTemplateSet.Default, _logs.CreateLogger("test"), _time)
        {
            Credentials = new AwsCredentialChain(name => (environment ?? []).GetValueOrDefault(name)),
            StsEndpoint = (_, _) => new Uri(_server.Url + "/sts/"),
        };

    private static NotificationRequest Request(bool resolved = false)
    {
        var data = GoldenCaptures.Data("sns", resolved);
        return new NotificationRequest("sns", data.GroupKey, "", data.Alerts.Count) { Data = data };
    }

    [GeneratedRegex(@"^AWS4-HMAC-SHA256 Credential=(?<id>[^/]+)/(?<date>\d{8})/(?<region>[^/]+)/(?<service>[^/]+)/aws4_request, SignedHeaders=(?<signed>[a-z;-]+), Signature=[0-9a-f]{64}$")]
    private static partial Regex AuthorizationPattern();

    /// <summary>The request's signature checks out against the headers it was sent with.</summary>
    private static void AssertSigned(ILogEntry sent, AwsCredentials credentials, string region, string service)
    {
        var authorization = sent.Header("Authorization")!;
        var match = AuthorizationPattern().Match(authorization);
        Assert.True(match.Success, authorization);
        var headers = match.Groups["signed"].Value.Split(';').ToDictionary(h => h, h => sent.Header(h)!);
        var url = new Uri(sent.RequestMessage.Url);
        Assert.Equal(authorization, SigV4Signer.Authorization("POST", url, headers, Encoding.UTF8.GetBytes(sent.RequestMessage.Body ?? ""), credentials, region, service));
    }

    [Theory]
    [InlineData("firing")]
    [InlineData("resolved")]
    public async Task Sends_what_Alertmanager_sent(string phase)
    {
        Answer(200);
        var config = Load("""
            topic_arn: arn:aws:sns:us-east-1:123456789012:golden-alerts
            sigv4: {region: us-east-1, access_key: AKIAORACLEEXAMPLE000, secret_key: golden-sns-secret-key}
            subject: '[{{ .Status | toUpper }}] {{ .GroupLabels.alertname }}'
            attributes: {severity: '{{ .CommonLabels.severity }}', source: alertmanager}
            """);
        var result = await Notifier(config).SendAsync(Request(phase == "resolved"), CancellationToken.None);
        Assert.Equal(SendOutcome.Success, result.Outcome);
        var golden = JsonNode.Parse(File.ReadAllText(Path.Combine(GoldenCaptures.Folder, $"sns.{phase}.json")))!["requests"]![0]!;
        var sent = Assert.Single(_server.Requests());
        Assert.Equal(((string)golden["method"]!, (string)golden["path"]!), (sent.RequestMessage.Method, sent.RequestMessage.Path));
        Assert.Equal((string)golden["body_form_raw"]!, sent.RequestMessage.Body);
        foreach (var name in (string[])["Content-Type", "Content-Length", "User-Agent"])
        {
            Assert.Equal((string)golden["headers"]![name]!, sent.Header(name));
        }
        Assert.Equal(
            ((string)golden["headers"]!["Authorization"]!).Replace("<YYYYMMDD>", "20261206", StringComparison.Ordinal),
            Regex.Replace(sent.Header("Authorization")!, "Signature=[0-9a-f]{64}$", "Signature=<SIGNATURE>"));
        Assert.Equal("20261206T083000Z", sent.Header("X-Amz-Date"));
        AssertSigned(sent, new AwsCredentials("AKIAORACLEEXAMPLE000", "golden-sns-secret-key"), "us-east-1", "sns");
    }

    [Fact]
    public async Task Attributes_are_numbered_entries_in_key_order_and_an_empty_set_is_sent_empty()
    {
        Answer(200);
        await Notifier(Load(Plain)).SendAsync(Request(), CancellationToken.None);
        Assert.Equal("Action=Publish&Message=M&MessageAttributes=&Subject=S&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A1%3At&Version=2010-03-31", _server.Requests()[0].RequestMessage.Body);

        await Notifier(Load(Plain + "\nattributes: {zeta: '1', alpha: 'a b'}")).SendAsync(Request(), CancellationToken.None);
        Assert.Equal(
            "Action=Publish&Message=M&MessageAttributes.entry.1.Name=alpha&MessageAttributes.entry.1.Value.DataType=String&MessageAttributes.entry.1.Value.StringValue=a+b" +
            "&MessageAttributes.entry.2.Name=zeta&MessageAttributes.entry.2.Value.DataType=String&MessageAttributes.entry.2.Value.StringValue=1" +
            "&Subject=S&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A1%3At&Version=2010-03-31",
            _server.Requests()[1].RequestMessage.Body);
    }

    [Fact]
    public async Task A_fifo_topic_gets_the_group_keys_hash_for_deduplication_and_grouping()
    {
        Answer(200);
        await Notifier(Load(Plain.Replace(":t\n", ":t.fifo\n", StringComparison.Ordinal))).SendAsync(Request(), CancellationToken.None);
        var hash = GroupKeyHash.Hash(Request().GroupKey);
        Assert.Contains($"&MessageDeduplicationId={hash}&MessageGroupId={hash}&", _server.Requests()[0].RequestMessage.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_sms_is_cut_at_1600_bytes_even_inside_a_character_and_says_so()
    {
        Answer(200);
        var config = Load($"phone_number: '+15555550100'\nsubject: ''\n{Keys}") with { Message = "a" + string.Concat(Enumerable.Repeat("é", 900)) };
        await Notifier(config).SendAsync(Request(), CancellationToken.None);
        var body = _server.Requests()[0].RequestMessage.Body!;
        // 1 + 799 × 2 bytes, then the first byte of the next é: Alertmanager copies bytes, not runes.
        Assert.Contains("&Message=a" + string.Concat(Enumerable.Repeat("%C3%A9", 799)) + "%C3&", body, StringComparison.Ordinal);
        Assert.Contains("MessageAttributes.entry.1.Name=truncated&MessageAttributes.entry.1.Value.DataType=String&MessageAttributes.entry.1.Value.StringValue=true", body, StringComparison.Ordinal);
        Assert.Contains("&PhoneNumber=%2B15555550100&", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Subject=", body, StringComparison.Ordinal); // empty subject: left out
        Assert.Contains(_logs.Lines, l => l.Message.Contains("truncated message to 1600 bytes", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_topic_message_is_cut_at_256_KiB()
    {
        Answer(200);
        var config = Load(Plain) with { Message = new string('m', 300_000) };
        await Notifier(config).SendAsync(Request(), CancellationToken.None);
        var body = _server.Requests()[0].RequestMessage.Body!;
        Assert.Contains("&Message=" + new string('m', 256 * 1024) + "&", body, StringComparison.Ordinal);
        Assert.Contains("StringValue=true", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Credentials_and_region_come_from_the_environment_with_a_session_token()
    {
        Answer(200);
        var environment = new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = "ENVKEY", ["AWS_SECRET_ACCESS_KEY"] = "ENVSECRET", ["AWS_SESSION_TOKEN"] = "ENVTOKEN", ["AWS_REGION"] = "eu-central-1",
        };
        var result = await Notifier(Load("topic_arn: t\nsubject: S\nmessage: M"), environment).SendAsync(Request(), CancellationToken.None);
        Assert.Equal(SendOutcome.Success, result.Outcome);
        var sent = _server.Requests()[0];
        Assert.Equal("ENVTOKEN", sent.Header("X-Amz-Security-Token"));
        Assert.Contains("Credential=ENVKEY/20261206/eu-central-1/sns/aws4_request, SignedHeaders=content-length;content-type;host;x-amz-date;x-amz-security-token,", sent.Header("Authorization"));
        AssertSigned(sent, new AwsCredentials("ENVKEY", "ENVSECRET", "ENVTOKEN"), "eu-central-1", "sns");
    }

    [Fact]
    public async Task Without_region_or_credentials_the_attempt_is_retried_as_in_Alertmanager()
    {
        var noRegion = await Notifier(Load("topic_arn: t\nsubject: S\nmessage: M")).SendAsync(Request(), CancellationToken.None);
        Assert.Equal((SendOutcome.Retryable, "region not configured in sns.sigv4.region or in default credentials chain"), (noRegion.Outcome, noRegion.Error));
        var noKeys = await Notifier(Load("topic_arn: t\nsubject: S\nmessage: M"), new() { ["AWS_REGION"] = "us-east-1", ["HOME"] = "/nonexistent" })
            .SendAsync(Request(), CancellationToken.None);
        Assert.Equal(SendOutcome.Retryable, noKeys.Outcome);
        Assert.StartsWith("NoCredentialProviders", noKeys.Error);
        Assert.Empty(_server.Requests());
    }

    [Fact]
    public async Task A_profile_is_read_from_the_shared_credentials_file()
    {
        Answer(200);
        using var dir = new TempDirectory("alerting-sns-");
        var file = Path.Combine(dir.Path, "credentials");
        await File.WriteAllTextAsync(file, "[default]\naws_access_key_id = DEF\naws_secret_access_key = x\n\n[ops]\naws_access_key_id = OPSKEY\naws_secret_access_key = OPSSECRET\n");
        var config = Load("topic_arn: t\nsubject: S\nmessage: M\nsigv4: {region: us-east-1, profile: ops}");
        await Notifier(config, new() { ["AWS_SHARED_CREDENTIALS_FILE"] = file }).SendAsync(Request(), CancellationToken.None);
        AssertSigned(_server.Requests()[0], new AwsCredentials("OPSKEY", "OPSSECRET"), "us-east-1", "sns");
    }

    [Fact]
    public async Task A_role_is_assumed_through_STS_and_its_credentials_sign_the_publish()
    {
        Answer(200);
        Answer(200, """
            <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials>
            <AccessKeyId>ASIAROLE</AccessKeyId><SecretAccessKey>ROLESECRET</SecretAccessKey><SessionToken>ROLETOKEN</SessionToken>
            <Expiration>2026-12-06T09:30:00Z</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>
            """, "/sts/");
        var config = Load($"topic_arn: t\nsubject: S\nmessage: M\nsigv4: {{region: us-east-1, access_key: BASEKEY, secret_key: BASESECRET, role_arn: 'arn:aws:iam::1:role/unique-{Guid.NewGuid():N}', external_id: ext}}");
        var result = await Notifier(config).SendAsync(Request(), CancellationToken.None);
        Assert.Equal(SendOutcome.Success, result.Outcome);
        var sts = _server.Requests()[0];
        Assert.Equal("/sts/", sts.RequestMessage.Path);
        Assert.Matches("^Action=AssumeRole&DurationSeconds=900&ExternalId=ext&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Funique-[0-9a-f]+&RoleSessionName=aws-go-sdk-[0-9]+&Version=2011-06-15$", sts.RequestMessage.Body);
        AssertSigned(sts, new AwsCredentials("BASEKEY", "BASESECRET"), "us-east-1", "sts");
        var publish = _server.Requests()[1];
        Assert.Equal("ROLETOKEN", publish.Header("X-Amz-Security-Token"));
        AssertSigned(publish, new AwsCredentials("ASIAROLE", "ROLESECRET", "ROLETOKEN"), "us-east-1", "sns");

        // The role's credentials are kept: the next send goes straight to SNS.
        await Notifier(config).SendAsync(Request(), CancellationToken.None);
        Assert.Equal(3, _server.Requests().Count);
    }

    [Theory]
    [InlineData(400, "InvalidParameter", "Permanent")]
    [InlineData(403, "AuthorizationError", "Permanent")]
    [InlineData(400, "Throttling", "Retryable")]
    [InlineData(500, "InternalError", "Retryable")]
    public async Task AWS_errors_are_retried_on_5xx_and_throttling(int status, string code, string outcome)
    {
        Answer(status, $"""<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>went wrong: {code}</Message></Error><RequestId>r</RequestId></ErrorResponse>""");
        var result = await Notifier(Load(Plain)).SendAsync(Request(), CancellationToken.None);
        Assert.Equal(Enum.Parse<SendOutcome>(outcome), result.Outcome);
        Assert.Equal($"unexpected status code {status}: went wrong: {code}", result.Error);
    }

    [Theory]
    [InlineData("", "us-east-1", "https://sns.us-east-1.amazonaws.com/")]
    [InlineData("", "cn-north-1", "https://sns.cn-north-1.amazonaws.com.cn/")]
    [InlineData("sns.local:4566", "us-east-1", "https://sns.local:4566/")]
    [InlineData("http://localstack:4566/sns", "us-east-1", "http://localstack:4566/sns/")]
    public void The_endpoint_is_the_SDKs(string apiUrl, string region, string expected)
    {
        Assert.Equal(expected, SnsNotifier.Endpoint(apiUrl, region)!.AbsoluteUri);
    }
}
