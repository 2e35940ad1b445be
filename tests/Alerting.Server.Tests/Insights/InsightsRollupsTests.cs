using System.Globalization;

namespace Alerting.Insights;

/// <summary>Which parts of a period the rollups serve: closed hours and whole closed days, the rest from the history.</summary>
public sealed class InsightsRollupsTests
{
    private static DateTimeOffset T(string s) => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    [Fact]
    public void A_day_has_its_closed_hours_and_no_whole_day()
    {
        var w = InsightsRollups.Window(T("2026-12-05T16:26:30Z"), T("2026-12-06T16:26:30Z"));
        // Hours 17:00 (the first whole one) to 16:00 today (16:16 is the last closed moment); both day bounds at the first hour.
        Assert.Equal((T("2026-12-05T17:00:00Z"), T("2026-12-06T16:00:00Z")), (w.HourFrom, w.HourTo));
        Assert.Equal((w.HourFrom, w.HourFrom), (w.WholeFrom, w.WholeTo));
    }

    [Fact]
    public void A_month_has_whole_days_between_its_edge_hours()
    {
        var w = InsightsRollups.Window(T("2026-11-06T16:26:30Z"), T("2026-12-06T16:26:30Z"));
        Assert.Equal((T("2026-11-06T17:00:00Z"), T("2026-12-06T16:00:00Z")), (w.HourFrom, w.HourTo));
        Assert.Equal((T("2026-11-07T00:00:00Z"), T("2026-12-06T00:00:00Z")), (w.WholeFrom, w.WholeTo));
    }

    [Fact]
    public void An_hour_or_day_is_closed_only_after_the_settling_time()
    {
        // 00:05: yesterday's last hour and yesterday itself are not closed yet.
        var w = InsightsRollups.Window(T("2026-11-29T00:05:00Z"), T("2026-12-06T00:05:00Z"));
        Assert.Equal((T("2026-11-29T01:00:00Z"), T("2026-12-05T23:00:00Z")), (w.HourFrom, w.HourTo));
        Assert.Equal((T("2026-11-30T00:00:00Z"), T("2026-12-05T00:00:00Z")), (w.WholeFrom, w.WholeTo));
    }

    [Fact]
    public void A_period_on_whole_hours_starts_with_its_first_hour()
    {
        var w = InsightsRollups.Window(T("2026-11-24T10:00:00Z"), T("2026-11-25T10:00:00Z"));
        Assert.Equal((T("2026-11-24T10:00:00Z"), T("2026-11-25T09:00:00Z")), (w.HourFrom, w.HourTo));
    }

    [Fact]
    public void Without_a_closed_hour_everything_is_read_from_the_history()
    {
        var to = T("2026-12-06T16:26:30Z");
        var w = InsightsRollups.Window(to.AddMinutes(-40), to);
        Assert.Equal(new InsightsWindow(to.AddMinutes(-40), to, to, to, to, to), w);
    }
}
