namespace Alerting.Channels.Http;

/// <summary>Go's url.JoinPath, with which Alertmanager builds API paths.</summary>
public sealed class GoUrlPathTests
{
    [Theory]
    [InlineData("https://open.rocket.chat/", "api/v1/chat.postMessage", "https://open.rocket.chat/api/v1/chat.postMessage")]
    [InlineData("https://chat.example", "api/v1/chat.postMessage", "https://chat.example/api/v1/chat.postMessage")]
    [InlineData("https://chat.example/base//", "api/v1/x", "https://chat.example/base/api/v1/x")]
    [InlineData("https://j.example/rest/api/2/", "issue/OPS-1/transitions", "https://j.example/rest/api/2/issue/OPS-1/transitions")]
    [InlineData("https://j.example/rest/api/2?x=1", "/search", "https://j.example/rest/api/2/search?x=1")]
    [InlineData("https://j.example/a/b", "../c/", "https://j.example/a/c/")]
    [InlineData("https://u:p@j.example:8443/r", "issue", "https://u:p@j.example:8443/r/issue")]
    public void JoinPath_joins_and_cleans_as_Go_does(string url, string elem, string expected) =>
        Assert.Equal(expected, GoUrlPath.JoinPath(url, elem));
}
