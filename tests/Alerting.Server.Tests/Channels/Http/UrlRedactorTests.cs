using Alerting.Channels.Http;

namespace Alerting.Channels.Http;

public sealed class UrlRedactorTests
{
    [Theory]
    [InlineData("https://user:pass@hooks.example.com:8443/a/b?token=s3cr3t#frag", "https://hooks.example.com:8443/a/b")]
    [InlineData("https://hooks.example.com/a?token=s3cr3t", "https://hooks.example.com/a")]
    [InlineData("http://127.0.0.1:9093", "http://127.0.0.1:9093/")]
    public void Redact_keeps_scheme_host_port_and_path_only(string url, string expected) =>
        Assert.Equal(expected, UrlRedactor.Redact(new Uri(url)));

    [Fact]
    public void Scrub_masks_the_query_its_values_and_the_userinfo_in_free_text()
    {
        var url = new Uri("http://admin:hunter22@example.com/hook?token=s3cr3t%2Bx&v=1");

        var text = UrlRedactor.Scrub("got http://admin:hunter22@example.com/hook?token=s3cr3t%2Bx&v=1, token s3cr3t+x, pw hunter22, v=1", url);

        Assert.Equal("got <redacted>, token <redacted>, pw <redacted>, v=1", text);
    }
}
