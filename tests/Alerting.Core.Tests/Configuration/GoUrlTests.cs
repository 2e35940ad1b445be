namespace Alerting.Core.Configuration;

/// <summary>Go's verdicts, captured from Alertmanager 0.25 (generatorURL in its API) and amtool 0.25 (proxy_url).</summary>
public sealed class GoUrlTests
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
    public void Request_uris_Alertmanager_accepts(string url) => Assert.Null(GoUrl.RequestUriError(url));

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
    public void Request_uris_Alertmanager_refuses(string url) => Assert.False(GoUrl.IsRequestUri(url));

    [Theory]
    [InlineData("foo")]
    [InlineData("http://proxy:3128")]
    [InlineData("foo#bar")]
    [InlineData("socks5://h:1080")]
    [InlineData("///x")]
    [InlineData("a/b:c")]
    [InlineData("*")]
    [InlineData("x:y")]
    public void Config_urls_amtool_accepts(string url) => Assert.Null(GoUrl.ParseError(url));

    [Theory]
    [InlineData("http://a b", "parse \"http://a b\": invalid character \" \" in host name")]
    [InlineData(":foo", "parse \":foo\": missing protocol scheme")]
    [InlineData("1a:b", "parse \"1a:b\": first path segment in URL cannot contain colon")]
    [InlineData("%zz", "parse \"%zz\": invalid URL escape \"%zz\"")]
    [InlineData("foo#%zz", "parse \"foo#%zz\": invalid URL escape \"%zz\"")]
    [InlineData("http://[::1", "parse \"http://[::1\": missing ']' in host")]
    [InlineData("//h:x/", "parse \"//h:x/\": invalid port \":x\" after host")]
    [InlineData("http://h:80x", "parse \"http://h:80x\": invalid port \":80x\" after host")]
    [InlineData("http://u{s@h", "parse \"http://u{s@h\": net/url: invalid userinfo")]
    public void Config_urls_amtool_refuses_with_its_message(string url, string message) => Assert.Equal(message, GoUrl.ParseError(url));
}
