namespace Alerting.Api;

/// <summary>The verdicts of Alertmanager 0.25 (Go's url.ParseRequestURI) on generatorURL values, captured from it.</summary>
public sealed class GoRequestUriTests
{
    [Theory]
    [InlineData("/path")]
    [InlineData("http://x")]
    [InlineData("x:y")]
    [InlineData("http://x/é")]
    [InlineData("http://prometheus:9090/graph?g0.expr=up%3D%3D0&g0.tab=1")]
    [InlineData("http://user:pa%20ss@host:80/p")]
    [InlineData("http://[::1]:9090/x")]
    [InlineData("http://[fe80::1%25eth0]/x")]
    [InlineData("https://grafana.example.com/alerting/grafana/abc/view?orgId=1")]
    [InlineData("*")]
    [InlineData("//host/path")]
    [InlineData("http://x/a b")]
    [InlineData("http://x/?q=%zz")]
    public void Accepted(string url) => Assert.True(GoRequestUri.IsValid(url));

    [Theory]
    [InlineData("foo")]
    [InlineData("http://a b")]
    [InlineData("http://[::1")]
    [InlineData("#frag")]
    [InlineData("a%zz")]
    [InlineData("?q")]
    [InlineData(" http://x")]
    [InlineData(":x")]
    [InlineData("http://x:port/")]
    [InlineData("http://x/%zz")]
    [InlineData("http://%41/")]
    [InlineData("http://x/\n")]
    [InlineData("http://us{er@x/")]
    public void Refused(string url) => Assert.False(GoRequestUri.IsValid(url));
}
