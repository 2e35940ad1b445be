namespace Alerting.Core.Configuration;

public sealed class DurationTests
{
    [Theory]
    [InlineData("0", 0L)]
    [InlineData("0s", 0L)]
    [InlineData("500ms", 500L)]
    [InlineData("30s", 30_000L)]
    [InlineData("5m", 300_000L)]
    [InlineData("4h", 14_400_000L)]
    [InlineData("1d2h30m", 95_400_000L)]
    [InlineData("1w", 604_800_000L)]
    [InlineData("1y", 31_536_000_000L)]
    [InlineData("1h30m15s250ms", 5_415_250L)]
    [InlineData("90m", 5_400_000L)]
    public void Parses_prometheus_durations(string text, long ms) =>
        Assert.Equal(TimeSpan.FromMilliseconds(ms), Duration.Parse(text));

    [Theory]
    [InlineData("", "empty duration string")]
    [InlineData("5", "not a valid duration string: \"5\"")]
    [InlineData("1.5h", "not a valid duration string: \"1.5h\"")]
    [InlineData("-5m", "not a valid duration string: \"-5m\"")]
    [InlineData("5m1h", "not a valid duration string: \"5m1h\"")]
    [InlineData("1 h", "not a valid duration string: \"1 h\"")]
    [InlineData("5M", "not a valid duration string: \"5M\"")]
    [InlineData("1h\n", "not a valid duration string: \"1h\n\"")]
    [InlineData("300y", "duration out of range")]
    [InlineData("99999999999999999999s", "duration out of range")]
    public void Rejects_what_prometheus_rejects(string text, string message)
    {
        Assert.False(Duration.TryParse(text, out _, out var error));
        Assert.Equal(message, error);
        Assert.Equal(message, Assert.Throws<FormatException>(() => Duration.Parse(text)).Message);
    }

    [Theory]
    [InlineData(0L, "0s")]
    [InlineData(500L, "500ms")]
    [InlineData(5_400_000L, "1h30m")]
    [InlineData(7_776_000_000L, "90d")]
    [InlineData(1_209_600_000L, "2w")]
    [InlineData(31_536_000_000L, "1y")]
    [InlineData(95_400_000L, "1d2h30m")]
    public void Formats_like_prometheus(long ms, string expected) =>
        Assert.Equal(expected, Duration.Format(TimeSpan.FromMilliseconds(ms)));

    [Theory]
    [InlineData("1d2h30m")]
    [InlineData("4h")]
    [InlineData("250ms")]
    public void Round_trips(string text) => Assert.Equal(text, Duration.Format(Duration.Parse(text)));
}
