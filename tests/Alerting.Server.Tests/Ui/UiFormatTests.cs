namespace Alerting.Ui;

public sealed class UiFormatTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    [Fact]
    public void Times_take_the_offset_the_zone_had_at_that_instant_across_a_summer_time_change()
    {
        Assert.Equal("2027-03-28 01:59:50 +01:00", UiFormat.Time(new DateTimeOffset(2027, 3, 28, 0, 59, 50, TimeSpan.Zero), Berlin));
        Assert.Equal("2027-03-28 03:00:10 +02:00", UiFormat.Time(new DateTimeOffset(2027, 3, 28, 1, 0, 10, TimeSpan.Zero), Berlin));
        Assert.Equal("2027-10-31 02:30:00 +02:00", UiFormat.Time(new DateTimeOffset(2027, 10, 31, 0, 30, 0, TimeSpan.Zero), Berlin));
        Assert.Equal("2027-10-31 02:30:00 +01:00", UiFormat.Time(new DateTimeOffset(2027, 10, 31, 1, 30, 0, TimeSpan.Zero), Berlin));
        Assert.Equal("2026-12-31 23:59:50 UTC", UiFormat.Time(new DateTimeOffset(2027, 1, 1, 0, 59, 50, TimeSpan.FromHours(1)), TimeZoneInfo.Utc));
    }

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(59, "59s")]
    [InlineData(60, "1m")]
    [InlineData(3600 + 120, "1h2m")]
    [InlineData(47 * 3600, "47h")]
    [InlineData(2 * 86400 + 3600, "2d1h")]
    [InlineData(366 * 86400, "366d")]
    public void Durations_are_the_same_whatever_the_calendar_says(int seconds, string expected)
    {
        Assert.Equal(expected, UiFormat.Duration(TimeSpan.FromSeconds(seconds)));
        Assert.Equal(expected, UiFormat.Duration(TimeSpan.FromSeconds(-seconds)));
    }
}
