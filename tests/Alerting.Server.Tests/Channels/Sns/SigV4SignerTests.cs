using System.Text;

namespace Alerting.Channels.Sns;

/// <summary>Signatures from AWS's own examples (the SigV4 test suite's get-vanilla, the IAM ListUsers walk-through).</summary>
public sealed class SigV4SignerTests
{
    private static readonly AwsCredentials Example = new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");

    [Fact]
    public void Get_vanilla()
    {
        var headers = new Dictionary<string, string> { ["host"] = "example.amazonaws.com", ["x-amz-date"] = "20150830T123600Z" };
        Assert.Equal(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, " +
            "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
            SigV4Signer.Authorization("GET", new Uri("https://example.amazonaws.com/"), headers, [], Example, "us-east-1", "service"));
    }

    [Fact]
    public void Iam_list_users()
    {
        var headers = new Dictionary<string, string>
        {
            ["content-type"] = "application/x-www-form-urlencoded; charset=utf-8",
            ["host"] = "iam.amazonaws.com",
            ["x-amz-date"] = "20150830T123600Z",
        };
        Assert.EndsWith(
            "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7",
            SigV4Signer.Authorization("GET", new Uri("https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08"), headers, [], Example, "us-east-1", "iam"));
    }

    [Fact]
    public void A_post_signs_its_length_type_host_date_and_token()
    {
        var body = Encoding.UTF8.GetBytes("Action=Publish");
        var signed = SigV4Signer.Sign("POST", new Uri("http://127.0.0.1:9/"), "127.0.0.1:9", "text/x", body,
            Example with { SessionToken = "TOKEN" }, "eu-west-1", "sns", new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
        Assert.Equal(["X-Amz-Date", "X-Amz-Security-Token", "Authorization"], signed.Select(h => h.Key));
        Assert.Equal("20260102T030405Z", signed[0].Value);
        Assert.StartsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260102/eu-west-1/sns/aws4_request, SignedHeaders=content-length;content-type;host;x-amz-date;x-amz-security-token, Signature=", signed[2].Value);
    }
}
