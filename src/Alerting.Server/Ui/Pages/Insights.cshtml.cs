using Alerting.Insights;
using Alerting.Ui.Charts;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc;

namespace Alerting.Ui.Pages;

internal sealed record ResponseTimesView(InsightsModel Page, string Id, string Heading, string KeyHeader, IReadOnlyList<ResponseTimes> Rows);

/// <summary>
/// Where the noise comes from over the last 24 hours, 7 or 30 days: the noisiest alerts and groups, flapping,
/// response times, sends per channel and day, silences. Charts are SVG drawn here, so the page needs no script.
/// </summary>
internal sealed class InsightsModel(InsightsReader read) : UiPageModel
{
    /// <summary>Fired and resolved more than this many times in the period counts as flapping, unless ?flapping_min= says otherwise.</summary>
    public const int DefaultFlapping = 3;

    public InsightsPeriod Period { get; private set; } = InsightsPeriod.Day;

    public int Flapping { get; private set; } = DefaultFlapping;

    public InsightsReport Report { get; private set; } = null!;

    public string? Notice { get; private set; }

    public async Task OnGetAsync(string? period, [FromQuery(Name = "flapping_min")] int? flapping, CancellationToken ct)
    {
        var chosen = InsightsPeriod.Parse(period);
        if (chosen is null)
        {
            Notice = T.Format("There is no period \"{0}\"; showing the last 24 hours.", period);
        }
        Period = chosen ?? InsightsPeriod.Day;
        Flapping = flapping is >= 1 and <= 1000 ? flapping.Value : DefaultFlapping;
        Report = await read(Period, Flapping, ct);
    }

    public string PeriodHref(InsightsPeriod period) =>
        Href($"insights?period={period.Name}" + (Flapping == DefaultFlapping ? "" : $"&flapping_min={Flapping}"));

    public string PeriodName(InsightsPeriod period) => period.Name switch
    {
        "7d" => T["Last 7 days"],
        "30d" => T["Last 30 days"],
        _ => T["Last 24 hours"],
    };

    /// <summary>The labels that tell this alert from others of its name; empty when it has no others.</summary>
    public static string OtherLabels(IReadOnlyDictionary<string, string> labels) =>
        labels.Any(kv => kv.Key != "alertname") ? UiFormat.EqualMatchers(labels.Where(kv => kv.Key != "alertname")) : "";

    public HtmlString AlertsChart() => BarChart.Render(
        "chart-alerts", T["Noisiest alerts"], T.Format("Notifications that carried each alert, {0}.", PeriodName(Period)),
        [.. Report.NoisiestAlerts.Select(a => new ChartBar($"{a.AlertName} {OtherLabels(a.Labels)}".TrimEnd(), a.Notifications, UiFormat.Count(a.Notifications)))]);

    public HtmlString GroupsChart() => BarChart.Render(
        "chart-groups", T["Noisiest groups"], T.Format("Notifications sent for each group, {0}.", PeriodName(Period)),
        [.. Report.NoisiestGroups.Select(g => new ChartBar($"{g.Receiver} · {UiFormat.EqualMatchers(g.GroupLabels)}", g.Notifications, UiFormat.Count(g.Notifications)))]);

    public HtmlString AcknowledgeChart(string id, IReadOnlyList<ResponseTimes> rows) => RangeChart.Render(
        id, T["Time to acknowledge"], T["Median and 90th percentile of the time from the first notification to the acknowledgement."], "acknowledge",
        [.. rows.Where(r => r.AcknowledgeMedianSeconds is not null).Select(r => new DurationRange(r.Key, r.AcknowledgeMedianSeconds!.Value, r.AcknowledgeP90Seconds ?? r.AcknowledgeMedianSeconds.Value))], T);

    public HtmlString ResolveChart(string id, IReadOnlyList<ResponseTimes> rows) => RangeChart.Render(
        id, T["Time to resolve"], T["Median and 90th percentile of the time from firing to resolved."], "resolve",
        [.. rows.Where(r => r.ResolveMedianSeconds is not null).Select(r => new DurationRange(r.Key, r.ResolveMedianSeconds!.Value, r.ResolveP90Seconds ?? r.ResolveMedianSeconds.Value))], T);

    public HtmlString ChannelsChart() => DayChart.Render(
        "chart-channels", T["Notifications per channel and day"],
        T["Sends per day stacked by channel; beside each day, its failures and rate-limit deferrals."], Days(), Report.NotificationsPerChannelPerDay, T);

    /// <summary>Every UTC day the period touches, so quiet days show as gaps.</summary>
    public List<DateOnly> Days()
    {
        var first = DateOnly.FromDateTime(Report.From.UtcDateTime);
        var last = DateOnly.FromDateTime(Report.To.UtcDateTime);
        var days = new List<DateOnly>();
        for (var d = first; d <= last && days.Count < 400; d = d.AddDays(1))
        {
            days.Add(d);
        }
        return days;
    }

    /// <summary>Sent, failed and rate-limited per channel over the whole period.</summary>
    public IEnumerable<ChannelDay> ChannelTotals() => Report.NotificationsPerChannelPerDay
        .GroupBy(r => r.Channel)
        .Select(g => new ChannelDay(default, g.Key, g.Sum(r => r.Sent), g.Sum(r => r.Failed), g.Sum(r => r.RateLimited)))
        .OrderByDescending(c => c.Sent).ThenBy(c => c.Channel, StringComparer.Ordinal);

    public ResponseTimesView Responses(string id, string heading, string keyHeader, IReadOnlyList<ResponseTimes> rows) => new(this, id, heading, keyHeader, rows);
}
