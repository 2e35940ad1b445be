using Alerting.Insights;
using Microsoft.AspNetCore.Http;

namespace Alerting.Ui;

/// <summary>
/// A hand-built insights report with known figures for the page's tests and screenshots, whatever the queries do;
/// one label value and one silence comment are hostile HTML.
/// </summary>
internal static class InsightsSample
{
    public const string HostileValue = "<img src=x onerror=alert(1)>";
    public static readonly DateTimeOffset To = new(2026, 12, 4, 10, 30, 0, TimeSpan.Zero);

    public static InsightsReport Report(InsightsPeriod period)
    {
        var from = To - period.Length;
        var days = Enumerable.Range(0, 40).Select(i => DateOnly.FromDateTime(To.UtcDateTime).AddDays(-i))
            .Where(d => d >= DateOnly.FromDateTime(from.UtcDateTime)).ToList();
        return new InsightsReport(period.Name, from, To,
            [
                new("a1", "DiskFull", Labels(("alertname", "DiskFull"), ("cluster", "eu1"), ("instance", "db-1:9100")), 42, ["db-pager", "db-team"]),
                new("a2", "HighLatency", Labels(("alertname", "HighLatency"), ("service", "checkout")), 17, ["web-team"]),
                new("a3", "Injected", Labels(("alertname", "Injected"), ("note", HostileValue)), 5, ["ops"]),
            ],
            [
                new("{}/{team=\"db\"}:{alertname=\"DiskFull\"}", "db-pager", Labels(("alertname", "DiskFull"), ("cluster", "eu1")), 30),
                new("{}/{team=~\"web\"}:{alertname=\"HighLatency\"}", "web-team", Labels(("alertname", "HighLatency"), ("cluster", "us1")), 17),
                new("{}/{team=\"db\"}:{alertname=\"DiskFull\"}", "db-team", Labels(("alertname", "DiskFull"), ("cluster", "eu1")), 12),
            ],
            new FlappingInsights(3, [new("a2", "HighLatency", Labels(("alertname", "HighLatency"), ("service", "checkout")), 9, 95, 1500, "2m", "30m")]),
            [
                new("db-pager", 6, 240, 900, 8, 1800, 5400),
                new("web-team", 0, null, null, 12, 600, 2400),
            ],
            [
                new("DiskFull", 6, 240, 900, 8, 1800, 5400),
                new("HighLatency", 0, null, null, 12, 600, 2400),
            ],
            [.. days.SelectMany((d, i) => new ChannelDay[]
            {
                new(d, "webhook", 20 + i % 5 * 4, i % 3 == 0 ? 3 : 0, 0),
                new(d, "slack", 8 + i % 4 * 3, 0, i % 4 == 1 ? 2 : 0),
            }).Where((_, i) => i != 5)], // one channel quiet on one day
            new SilenceInsights(4, 7200, 86400,
                [new("5c0ffee0-0000-4000-8000-000000000001", "Mei Chen", "<b>maintenance</b> window", "{team=\"nobody\"}", To.AddDays(-2), To.AddDays(-1))]));
    }

    public static InsightsReader Reader(List<(InsightsPeriod Period, int Flapping)>? calls = null) => (period, flapping, _) =>
    {
        calls?.Add((period, flapping));
        return Task.FromResult(Report(period));
    };

    public static UiText Text(string language)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.Cookie = $"{UiText.CookieName}={language}";
        return UiText.For(context);
    }

    private static Dictionary<string, string> Labels(params (string Name, string Value)[] labels) => labels.ToDictionary(l => l.Name, l => l.Value);
}
