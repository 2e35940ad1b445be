using System.Net;
using System.Text.RegularExpressions;
using Alerting.Infrastructure;
using Alerting.Insights;
using Alerting.Ui.Pages;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Alerting.Ui;

/// <summary>The insights page over plain HTTP, as a browser without JavaScript sees it, from a hand-built report.</summary>
public sealed partial class InsightsPageTests
{
    internal static Task<AlertingTestHost> StartAsync(InsightsReader reader) =>
        AlertingTestHost.StartAsync(services: s => s.Replace(ServiceDescriptor.Singleton(reader)));

    [Fact]
    public async Task The_chosen_period_is_read_and_every_section_shows_its_figures_as_charts_and_tables()
    {
        var calls = new List<(InsightsPeriod Period, int Flapping)>();
        await using var host = await StartAsync(InsightsSample.Reader(calls));
        using var ui = new UiClient(host);

        var (status, html) = await ui.GetAsync("insights?period=7d");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal([(InsightsPeriod.Week, InsightsModel.DefaultFlapping)], calls);
        // The period chooser is three plain links; the chosen one is marked.
        Assert.Equal(["insights?period=24h", "insights?period=7d", "insights?period=30d"], PeriodLinks().Matches(html).Select(m => m.Groups[1].Value));
        Assert.Contains("<a href=\"/insights?period=7d\" aria-current=\"page\">Last 7 days</a>", html);
        Assert.Contains("<a href=\"/insights\" aria-current=\"page\">Insights</a>", html); // the menu entry
        Assert.Contains("From 2026-11-27 10:30:00 UTC to 2026-12-04 10:30:00 UTC.", html);

        // Seven charts, each an inline SVG image named by its title.
        var charts = Charts().Matches(html).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(["chart-alerts", "chart-groups", "chart-ack-receiver", "chart-resolve-receiver", "chart-ack-alertname", "chart-resolve-alertname", "chart-channels"], charts);
        Assert.Contains("<title id=\"chart-alerts-t\">Noisiest alerts</title>", html);
        Assert.Contains("DiskFull {cluster=&quot;eu1&quot;, instance=&quot;db-1:9100&quot;}: 42", html);
        Assert.Contains("<td data-label=\"Receivers\">db-pager, db-team</td>", html);
        Assert.Contains("db-pager · {alertname=&quot;DiskFull&quot;, cluster=&quot;eu1&quot;}: 30", html);
        Assert.Contains("<code>for: 2m</code>", html);
        Assert.Contains("<code>group_interval: 30m</code>", html);
        Assert.Contains("db-pager: median 4m · p90 15m", html);
        var acknowledge = ChartMarkup(html, "chart-ack-receiver");
        Assert.Contains("db-pager: median 4m · p90 15m", acknowledge);
        Assert.DoesNotContain("web-team", acknowledge); // nobody acknowledged web-team's alerts: no row, not a zero
        Assert.Contains("web-team: median 10m · p90 40m", ChartMarkup(html, "chart-resolve-receiver"));
        Assert.Contains("<td data-label=\"Sent\">", html);
        Assert.Contains("<dt>Median duration</dt><dd>2h</dd>", html);
        Assert.Contains("<dt>Longest</dt><dd>24h</dd>", html);
        Assert.Contains("href=\"/silences/5c0ffee0-0000-4000-8000-000000000001\"", html);

        // Label values and comments are anyone's input: escaped in tables and in the SVG alike.
        Assert.DoesNotContain(InsightsSample.HostileValue, html);
        Assert.DoesNotContain("<b>maintenance</b>", html);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", html);
        Assert.Contains("&lt;b&gt;maintenance&lt;/b&gt; window", html);
        Assert.DoesNotContain("<script", html.Split("<main")[1]); // the page itself needs no script
    }

    [Fact]
    public async Task An_unknown_period_says_so_and_shows_24_hours_and_the_flapping_threshold_is_kept_across_periods()
    {
        var calls = new List<(InsightsPeriod Period, int Flapping)>();
        await using var host = await StartAsync(InsightsSample.Reader(calls));
        using var ui = new UiClient(host);

        var (status, html) = await ui.GetAsync("insights?period=1y");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("There is no period &quot;1y&quot;; showing the last 24 hours.", html);
        Assert.Contains("aria-current=\"page\">Last 24 hours</a>", html);

        (_, html) = await ui.GetAsync("insights?period=30d&flapping_min=5");
        Assert.Equal([(InsightsPeriod.Day, 3), (InsightsPeriod.Month, 5)], calls);
        Assert.Contains("href=\"/insights?period=7d&amp;flapping_min=5\"", html);
        Assert.Contains("2026-11-04 · webhook:", ChartMarkup(html, "chart-channels")); // 30 days back, the first day of the month's chart
    }

    [Fact]
    public async Task With_no_history_every_section_says_what_is_missing()
    {
        await using var host = await AlertingTestHost.StartAsync(); // the service's own queries over an empty database
        using var ui = new UiClient(host);

        var (status, html) = await ui.GetAsync("insights");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.DoesNotContain("<svg", html);
        foreach (var empty in new[]
        {
            "No notification was sent in this period, so no alert stands out.",
            "No group was notified in this period.",
            "No alert fired and resolved more than 3 times in this period.",
            "No alert was acknowledged or resolved in this period.",
            "Nothing was sent or attempted in this period.",
            "Every silence active in this period muted at least one alert.",
        })
        {
            Assert.Contains(empty, html);
        }
    }

    [Fact]
    public async Task The_page_is_for_those_who_may_read()
    {
        var reads = new List<(InsightsPeriod Period, int Flapping)>();
        await using var host = await AlertingTestHost.StartAsync(AlertingTestHost.AuthConfig, services: s => s.Replace(ServiceDescriptor.Singleton(InsightsSample.Reader(reads))));
        using var ui = new UiClient(host);

        using var anonymous = await ui.Http.GetAsync("insights?period=30d");
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.EndsWith("/login?returnUrl=%2Finsights%3Fperiod%3D30d", anonymous.Headers.Location!.ToString());
        Assert.Empty(reads);
    }

    [Fact]
    public async Task In_Chinese_the_page_and_its_charts_speak_Chinese()
    {
        await using var host = await StartAsync(InsightsSample.Reader());
        using var ui = new UiClient(host, acceptLanguage: "zh-CN");

        var (_, html) = await ui.GetAsync("insights?period=7d");
        Assert.Contains("<h1>洞察</h1>", html);
        Assert.Contains("aria-current=\"page\">最近 7 天</a>", html);
        Assert.Contains("<title id=\"chart-alerts-t\">最吵的告警</title>", html);
        Assert.Contains("db-pager: 中位数 4m · p90 15m", html);
        Assert.Contains(">失败</text>", ChartMarkup(html, "chart-channels"));
        Assert.Contains("<code>for: 2m</code> 或 <code>group_interval: 30m</code>", html);
    }

    /// <summary>One chart's markup, by its id.</summary>
    private static string ChartMarkup(string html, string id)
    {
        var start = html.IndexOf($"id=\"{id}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no chart {id}");
        return html[start..html.IndexOf("</svg>", start, StringComparison.Ordinal)];
    }

    [GeneratedRegex("<a href=\"/(insights\\?period=[^\"]+)\"")]
    private static partial Regex PeriodLinks();

    [GeneratedRegex("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart [^\"]+\" id=\"([^\"]+)\" role=\"img\"")]
    private static partial Regex Charts();
}
