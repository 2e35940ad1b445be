using System.Text;

namespace Alerting.Channels.Http;

/// <summary>The Go encodings receivers' requests are built with: encoding/json, url.Values, time.ParseDuration, notify's truncation.</summary>
public sealed class GoEncodingTests
{
    [Fact]
    public void Json_fields_keep_their_order_and_maps_sort_by_code_point()
    {
        var json = new GoJsonWriter().BeginObject()
            .Property("z", "<&>\u2028\"\\\n")
            .PropertyOmitEmpty("empty", "")
            .Name("map").StringMap([new("b", "2"), new("\uFF21", "fullwidth"), new("😀", "emoji"), new("a", "1"), new("b", "last")])
            .Name("list").BeginArray().String("x").Raw("null").BeginObject().EndObject().EndArray()
            .EndObject()
            .ToEncoderOutput();
        // U+FF21 sorts before U+1F600 in UTF-8 byte order, although its UTF-16 unit is greater than the surrogate's.
        Assert.Equal(
            "{\"z\":\"\\u003c\\u0026\\u003e\\u2028\\\"\\\\\\n\",\"map\":{\"a\":\"1\",\"b\":\"last\",\"\uFF21\":\"fullwidth\",\"😀\":\"emoji\"},\"list\":[\"x\",null,{}]}\n",
            json);
    }

    [Fact]
    public void Url_values_encode_as_Go_does()
    {
        var values = new GoUrlValues().Add("b", "x y/z~é").Add("a", "2").Add("a", "1").Add("c", [0xC3]);
        Assert.Equal("a=2&a=1&b=x+y%2Fz~%C3%A9&c=%C3", values.Encode());
        Assert.Equal("a=3&b=x+y%2Fz~%C3%A9&c=%C3", values.Set("a", "3").Encode());
        Assert.Equal("%21%2A%27%28%29%3B%3A%40%26%3D%2B%24%2C%3F%23%5B%5D", GoUrlValues.QueryEscape("!*'();:@&=+$,?#[]"));
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("1h30m", 5400)]
    [InlineData("1.5s", 1.5)]
    [InlineData(".5s", 0.5)]
    [InlineData("300ms", 0.3)]
    [InlineData("-2m", -120)]
    [InlineData("1h1m1s1ms1us", 3661.001001)]
    public void Go_durations_parse(string text, double seconds)
    {
        Assert.True(GoDuration.TryParse(text, out var value, out var error), error);
        Assert.Equal(TimeSpan.FromTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond)), value);
    }

    [Theory]
    [InlineData("", "time: invalid duration \"\"")]
    [InlineData("30", "time: missing unit in duration \"30\"")]
    [InlineData("1d", "time: unknown unit \"d\" in duration \"1d\"")]
    [InlineData("s", "time: invalid duration \"s\"")]
    [InlineData("1..2s", "time: invalid duration \"1..2s\"")]
    public void Bad_go_durations_say_what_Go_says(string text, string message)
    {
        Assert.False(GoDuration.TryParse(text, out _, out var error));
        Assert.Equal(message, error);
    }

    [Theory]
    [InlineData("abc", 3, "abc", false)]
    [InlineData("abcd", 3, "abc", true)] // no room for the marker
    [InlineData("abcdef", 4, "abc…", true)]
    [InlineData("🔥🔥🔥🔥🔥", 4, "🔥🔥🔥…", true)] // an emoji is one rune
    [InlineData("🔥🔥🔥🔥", 4, "🔥🔥🔥🔥", false)]
    public void Truncation_in_runes(string text, int n, string expected, bool truncated)
    {
        Assert.Equal((expected, truncated), Truncation.TruncateInRunes(text, n));
    }

    [Theory]
    [InlineData("abcdef", 6, "abcdef", false)]
    [InlineData("abcdefg", 6, "abc…", true)]
    [InlineData("aé€😀x", 9, "aé€…", true)] // 1+2+3 bytes fill n − 3; the emoji would not fit
    [InlineData("aé€😀x", 8, "aé…", true)]
    [InlineData("abcd", 3, "…", true)]
    [InlineData("abcd", 2, "..", true)]
    public void Truncation_in_bytes_never_splits_a_rune(string text, int n, string expected, bool truncated)
    {
        var (result, cut) = Truncation.TruncateInBytes(text, n);
        Assert.Equal((expected, truncated), (result, cut));
        Assert.True(Encoding.UTF8.GetByteCount(result) <= n);
    }

    [Fact]
    public void The_retrier_retries_5xx_and_its_own_codes()
    {
        var retrier = new Retrier([429], (status, body) => status == 400 ? "details: " + body : "");
        Assert.Equal((true, true, false, false), (retrier.IsRetryable(500), retrier.IsRetryable(429), retrier.IsRetryable(403), retrier.IsRetryable(200)));
        Assert.Null(retrier.Error(204, "x"));
        Assert.Equal("unexpected status code 400: details: x", retrier.Error(400, "x"));
        Assert.Equal("unexpected status code 404", retrier.Error(404, "x"));
        Assert.Equal("unexpected status code 502: bad gateway", Retrier.Default.Error(502, "bad gateway"));
        Assert.False(Retrier.Default.IsRetryable(429));
    }
}
