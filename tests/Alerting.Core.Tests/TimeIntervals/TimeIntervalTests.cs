using Alerting.Core.Configuration;
using Alerting.Core.TimeIntervals;

namespace Alerting.Core.TimeIntervals;

public sealed class TimeIntervalTests
{
    private static TimeIntervalSpec Spec(string yaml)
    {
        var config = ConfigLoader.Load(
            "route:\n  receiver: r\nreceivers:\n  - name: r\ntime_intervals:\n  - name: t\n    time_intervals:\n      - " + yaml.Replace("\n", "\n        ", StringComparison.Ordinal) + "\n",
            "t.yml", channels: []);
        return config.TimeIntervals[0].Intervals[0];
    }

    private static DateTimeOffset Utc(int y, int mo, int d, int h = 0, int mi = 0) => new(y, mo, d, h, mi, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("00:00", 0)]
    [InlineData("09:30", 570)]
    [InlineData("23:59", 1439)]
    [InlineData("24:00", 1440)]
    public void Parses_times(string s, int minutes) => Assert.Equal(minutes, TimeIntervalParser.ParseTime(s));

    [Theory]
    [InlineData("24:01")]
    [InlineData("9:30")]
    [InlineData("12:60")]
    [InlineData("noon")]
    public void Rejects_bad_times(string s) => Assert.Throws<FormatException>(() => TimeIntervalParser.ParseTime(s));

    [Fact]
    public void Parses_ranges_case_insensitively()
    {
        Assert.Equal(new InclusiveRange(1, 5), TimeIntervalParser.ParseWeekdays("Monday:FRIDAY"));
        Assert.Equal(new InclusiveRange(0, 0), TimeIntervalParser.ParseWeekdays("sunday"));
        Assert.Equal(new InclusiveRange(1, 3), TimeIntervalParser.ParseMonths("january:march"));
        Assert.Equal(new InclusiveRange(1, 3), TimeIntervalParser.ParseMonths("1:3"));
        Assert.Equal(new InclusiveRange(-3, -1), TimeIntervalParser.ParseDaysOfMonth("-3:-1"));
        Assert.Equal(new InclusiveRange(1, 5), TimeIntervalParser.ParseDaysOfMonth("1:5"));
        Assert.Equal(new InclusiveRange(2020, 2022), TimeIntervalParser.ParseYears("2020:2022"));
        Assert.Throws<FormatException>(() => TimeIntervalParser.ParseYears("2020:2021:2022"));
    }

    [Fact]
    public void Location_uses_iana_names()
    {
        Assert.Equal(TimeZoneInfo.Utc, TimeIntervalParser.ParseLocation("UTC"));
        Assert.Equal(TimeZoneInfo.Utc, TimeIntervalParser.ParseLocation(""));
        Assert.Equal(TimeSpan.FromHours(8), TimeIntervalParser.ParseLocation("Asia/Shanghai").GetUtcOffset(Utc(2024, 1, 1)));
        Assert.Equal("unknown time zone Nowhere/Land", Assert.Throws<FormatException>(() => TimeIntervalParser.ParseLocation("Nowhere/Land")).Message);
    }

    [Fact]
    public void Business_hours_in_a_time_zone()
    {
        var spec = Spec("weekdays: ['monday:friday']\ntimes:\n  - start_time: '09:00'\n    end_time: '17:00'\nlocation: Asia/Shanghai");
        // 2024-01-08 is a Monday; 01:00 UTC is 09:00 in Shanghai.
        Assert.True(spec.Contains(Utc(2024, 1, 8, 1, 0)));
        Assert.False(spec.Contains(Utc(2024, 1, 8, 0, 59)));
        Assert.True(spec.Contains(Utc(2024, 1, 8, 8, 59)));
        Assert.False(spec.Contains(Utc(2024, 1, 8, 9, 0)));
        // Sunday 23:00 UTC is Monday 07:00 in Shanghai: right day, too early.
        Assert.False(spec.Contains(Utc(2024, 1, 7, 23, 0)));
        // Friday 20:00 UTC is Saturday 04:00 in Shanghai.
        Assert.False(spec.Contains(Utc(2024, 1, 12, 20, 0)));
    }

    [Fact]
    public void Without_location_the_instant_is_read_in_its_own_offset()
    {
        var spec = Spec("times:\n  - start_time: '09:00'\n    end_time: '10:00'");
        Assert.True(spec.Contains(Utc(2024, 1, 8, 9, 30)));
        Assert.False(spec.Contains(new DateTimeOffset(2024, 1, 8, 9, 30, 0, TimeSpan.FromHours(2)).ToOffset(TimeSpan.FromHours(-1))));
    }

    [Fact]
    public void Negative_days_of_month_count_from_the_end()
    {
        var spec = Spec("days_of_month: ['-3:-1']");
        Assert.True(spec.Contains(Utc(2024, 2, 27)));
        Assert.True(spec.Contains(Utc(2024, 2, 29)));
        Assert.False(spec.Contains(Utc(2024, 2, 26)));
        Assert.True(spec.Contains(Utc(2023, 2, 26)));
        Assert.True(spec.Contains(Utc(2024, 1, 31)));
        Assert.False(spec.Contains(Utc(2024, 1, 28)));
    }

    [Fact]
    public void Day_31_never_matches_a_short_month()
    {
        var spec = Spec("days_of_month: ['31']");
        Assert.True(spec.Contains(Utc(2024, 1, 31)));
        Assert.False(spec.Contains(Utc(2024, 4, 30)));
        var clamped = Spec("days_of_month: ['28:31']");
        Assert.True(clamped.Contains(Utc(2023, 2, 28)));
        Assert.True(clamped.Contains(Utc(2024, 4, 30)));
    }

    [Fact]
    public void Months_years_and_weekday_lists()
    {
        var spec = Spec("months: ['december', '1:2']\nyears: ['2024']\nweekdays: ['saturday', 'sunday']");
        Assert.True(spec.Contains(Utc(2024, 12, 7)));   // Saturday
        Assert.True(spec.Contains(Utc(2024, 1, 7)));    // Sunday
        Assert.False(spec.Contains(Utc(2024, 12, 9)));  // Monday
        Assert.False(spec.Contains(Utc(2024, 3, 2)));   // Saturday in March
        Assert.False(spec.Contains(Utc(2025, 1, 4)));   // Saturday in 2025
    }

    [Fact]
    public void Named_interval_contains_if_any_entry_does()
    {
        var config = ConfigLoader.Load(SampleConfigs.Full, "alerting.yml", StubChannel.ForSamples);
        var off = config.FindTimeInterval("offhours")!;
        Assert.True(off.Contains(Utc(2024, 1, 8, 7, 0)));    // Monday early
        Assert.True(off.Contains(Utc(2024, 1, 8, 18, 0)));   // Monday evening
        Assert.False(off.Contains(Utc(2024, 1, 8, 12, 0)));  // Monday noon
        Assert.True(off.Contains(Utc(2024, 1, 6, 12, 0)));   // Saturday noon
        var empty = new TimeIntervalConfig("none", []);
        Assert.False(empty.Contains(Utc(2024, 1, 1)));
        var always = new TimeIntervalConfig("always", [new TimeIntervalSpec()]);
        Assert.True(always.Contains(Utc(2024, 1, 1)));
    }
    [Fact]
    public void The_hour_summer_time_skips_never_matches_and_the_hour_it_repeats_matches_twice()
    {
        // Europe/Berlin, 2027-03-28: at 01:00 UTC the clocks go from 02:00 CET to 03:00 CEST.
        var skipped = Spec("times:\n  - start_time: '02:00'\n    end_time: '03:00'\nlocation: Europe/Berlin");
        for (var minute = 0; minute < 24 * 60; minute++)
        {
            Assert.False(skipped.Contains(Utc(2027, 3, 27, 12, 0).AddMinutes(minute)));
        }
        var early = Spec("times:\n  - start_time: '00:00'\n    end_time: '03:00'\nlocation: Europe/Berlin");
        Assert.True(early.Contains(new DateTimeOffset(2027, 3, 28, 0, 59, 50, TimeSpan.Zero)));  // 01:59:50 CET
        Assert.False(early.Contains(new DateTimeOffset(2027, 3, 28, 1, 0, 0, TimeSpan.Zero)));   // 03:00 CEST
        // 2027-10-31: at 01:00 UTC the clocks go back from 03:00 CEST to 02:00 CET; 02:30 happens twice.
        Assert.True(skipped.Contains(Utc(2027, 10, 31, 0, 30)));   // 02:30 CEST
        Assert.True(skipped.Contains(Utc(2027, 10, 31, 1, 30)));   // 02:30 CET
        Assert.False(skipped.Contains(Utc(2027, 10, 31, 2, 0)));   // 03:00 CET
    }

    [Fact]
    public void A_weekday_in_a_time_zone_turns_at_local_midnight_across_a_summer_time_change()
    {
        var sunday = Spec("weekdays: [sunday]\nlocation: Europe/Berlin");
        Assert.False(sunday.Contains(Utc(2027, 3, 27, 22, 59)));   // Saturday 23:59 CET
        Assert.True(sunday.Contains(Utc(2027, 3, 27, 23, 0)));     // Sunday 00:00 CET
        Assert.True(sunday.Contains(Utc(2027, 3, 28, 21, 59)));    // Sunday 23:59 CEST
        Assert.False(sunday.Contains(Utc(2027, 3, 28, 22, 0)));    // Monday 00:00 CEST: the day was 23 hours long
    }

    [Fact]
    public void Years_and_months_turn_at_local_midnight_not_at_UTC_midnight()
    {
        var y2026 = Spec("years: ['2026']\nmonths: [december]\ndays_of_month: ['-1']\nlocation: Asia/Shanghai");
        Assert.True(y2026.Contains(Utc(2026, 12, 31, 15, 59)));   // 23:59 on Dec 31 in Shanghai
        Assert.False(y2026.Contains(Utc(2026, 12, 31, 16, 0)));   // already 2027 in Shanghai, still 2026 in UTC
        var utc = Spec("years: ['2026']\nmonths: [december]\ndays_of_month: ['-1']");
        Assert.True(utc.Contains(new DateTimeOffset(2026, 12, 31, 23, 59, 59, TimeSpan.Zero)));
        Assert.False(utc.Contains(Utc(2027, 1, 1)));
    }

    [Fact]
    public void A_leap_day_is_the_last_day_of_February_only_in_a_leap_year()
    {
        var lastOfFebruary = Spec("months: [february]\ndays_of_month: ['-1']");
        Assert.True(lastOfFebruary.Contains(Utc(2028, 2, 29, 23, 59)));
        Assert.False(lastOfFebruary.Contains(Utc(2028, 2, 28, 12, 0)));
        Assert.True(lastOfFebruary.Contains(Utc(2027, 2, 28, 12, 0)));
        var twentyNinth = Spec("days_of_month: ['29']\nmonths: [february]");
        Assert.True(twentyNinth.Contains(Utc(2028, 2, 29)));
        Assert.False(twentyNinth.Contains(Utc(2027, 3, 1)));       // no February 29 in 2027, and March is not February
        var fromTheEnd = Spec("days_of_month: ['-29']");            // the 29th day from the end: Feb 1 in 2028, nothing in Feb 2027
        Assert.True(fromTheEnd.Contains(Utc(2028, 2, 1)));
        Assert.False(fromTheEnd.Contains(Utc(2027, 2, 1)));
    }
}
