namespace Alerting.Channels.Http;

/// <summary>Alertmanager's truncation and Go's url.JoinPath, which the Go-template integrations share.</summary>
public sealed class GoHelpersTests
{
    [Theory]
    [InlineData("abc", 3, "abc", false)]
    [InlineData("abcd", 3, "abc", true)]
    [InlineData("abcdef", 5, "abcd…", true)]
    [InlineData("ééééé", 4, "ééé…", true)]
    [InlineData("😀😀😀😀😀", 4, "😀😀😀…", true)]
    [InlineData("😀😀😀😀", 4, "😀😀😀😀", false)]
    public void TruncateInRunes_counts_runes(string s, int n, string expected, bool truncated) =>
        Assert.Equal((expected, truncated), Truncation.TruncateInRunes(s, n));

    [Theory]
    [InlineData("abc", 3, "abc", false)]
    [InlineData("abcd", 3, "…", true)]
    [InlineData("abcd", 2, "..", true)]
    [InlineData("abcdefgh", 6, "abc…", true)]
    [InlineData("ééééé", 8, "éé…", true)]
    [InlineData("ééééé", 7, "éé…", true)]
    [InlineData("ééééé", 6, "é…", true)]
    public void TruncateInBytes_counts_utf8_bytes_and_never_splits_a_rune(string s, int n, string expected, bool truncated) =>
        Assert.Equal((expected, truncated), Truncation.TruncateInBytes(s, n));

    [Theory]
    [InlineData("https://open.rocket.chat/", "api/v1/chat.postMessage", "https://open.rocket.chat/api/v1/chat.postMessage")]
    [InlineData("https://chat.example", "api/v1/chat.postMessage", "https://chat.example/api/v1/chat.postMessage")]
    [InlineData("https://chat.example/base//", "api/v1/x", "https://chat.example/base/api/v1/x")]
    [InlineData("https://j.example/rest/api/2/", "issue/OPS-1/transitions", "https://j.example/rest/api/2/issue/OPS-1/transitions")]
    [InlineData("https://j.example/rest/api/2?x=1", "/search", "https://j.example/rest/api/2/search?x=1")]
    [InlineData("https://j.example/a/b", "../c/", "https://j.example/a/c/")]
    [InlineData("https://u:p@j.example:8443/r", "issue", "https://u:p@j.example:8443/r/issue")]
    public void JoinPath_joins_and_cleans_as_Go_does(string url, string elem, string expected) =>
        Assert.Equal(expected, GoUrl.JoinPath(url, elem));
}
