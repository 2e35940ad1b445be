using System.Diagnostics;
using System.Globalization;
using System.Net;
using Alerting.Infrastructure;
using Xunit.Abstractions;

namespace Alerting.Api;

/// <summary>
/// Regexes that even the non-backtracking engine runs slowly: <c>(.*a.{600}){3}b</c> against 16,000 a's took 45 s
/// on its first evaluation when measured alone. The match timeout (100 ms) cuts such an evaluation off and counts
/// it as no match, so neither a <c>filter=</c> nor a silence can hold a request (or the dispatcher) for long.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class PathologicalRegexTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Pathological_regexes_in_filters_and_silences_are_cut_off_by_the_timeout()
    {
        await using var host = await AlertingTestHost.StartAsync();
        var payload = new string('a', 16_000);
        Assert.Equal(HttpStatusCode.OK, (await host.PostJsonAsync("api/v2/alerts", $$$"""[{"labels":{"alertname":"Evil","payload":"{{{payload}}}"}}]""")).StatusCode);
        var before = await TimeoutsAsync(host);

        // A filter= matcher: each evaluation is cut off, the alert is not matched, the answer comes at once.
        // (Patterns differ from test to test: the regex cache would otherwise hand out one already warmed up.)
        var clock = Stopwatch.StartNew();
        var filtered = await host.GetArrayAsync("api/v2/alerts?filter=" + Uri.EscapeDataString("payload=~\"(.*a.{600}){3}b\""));
        var filterTook = clock.Elapsed;
        Assert.Empty(filtered);

        // A silence: it is stored, and when alerts are read it is evaluated and cut off too, so it silences nothing.
        var silence = $$"""
            {"matchers":[{"name":"payload","value":"(.*a.{601}){3}b","isRegex":true}],
             "startsAt":"{{DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture)}}","endsAt":"{{DateTimeOffset.UtcNow.AddHours(1).ToString("O", CultureInfo.InvariantCulture)}}","createdBy":"x","comment":"evil"}
            """;
        Assert.Equal(HttpStatusCode.OK, (await host.PostJsonAsync("api/v2/silences", silence)).StatusCode);
        clock.Restart();
        var alert = Assert.Single(await host.GetArrayAsync("api/v2/alerts"));
        var silenceTook = clock.Elapsed;
        Assert.Empty(alert!["status"]!["silencedBy"]!.AsArray());

        var after = await TimeoutsAsync(host);
        output.WriteLine($"pathological regex: filter answered in {filterTook.TotalMilliseconds:0} ms, alerts with the silence in {silenceTook.TotalMilliseconds:0} ms; "
            + $"alerting_regex_timeouts_total {before} -> {after}");
        Assert.True(after >= before + 2, $"regex timeouts {before} -> {after}");
        // Generous for a loaded CI machine; uncut, the first evaluation alone takes tens of seconds.
        Assert.True(filterTook < TimeSpan.FromSeconds(10), $"filter took {filterTook}");
        Assert.True(silenceTook < TimeSpan.FromSeconds(10), $"alerts with the silence took {silenceTook}");
    }

    [Fact]
    public async Task Many_slow_filters_in_one_request_are_refused_once_the_requests_regex_budget_is_spent()
    {
        await using var host = await AlertingTestHost.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await host.PostJsonAsync("api/v2/alerts", $$$"""[{"labels":{"alertname":"Evil","v":"{{{new string('a', 40)}}}!"}}]""")).StatusCode);
        var before = await MetricAsync(host, "alerting_regex_budget_exceeded_total");

        // 30 distinct patterns, each cut off twice at 100 ms; a cut-off !~ counts as a match, so every one runs: 6 s unbounded.
        var query = string.Join("&", Enumerable.Range(0, 30).Select(i => "filter=" + Uri.EscapeDataString($"v!~\"(a+)+b{i}\"")));
        var clock = Stopwatch.StartNew();
        var answer = await host.Client.GetAsync("api/v2/alerts?" + query);
        var took = clock.Elapsed;
        var text = await answer.Content.ReadAsStringAsync();
        var after = await MetricAsync(host, "alerting_regex_budget_exceeded_total");
        output.WriteLine($"30 slow filters: {(int)answer.StatusCode} in {took.TotalMilliseconds:0} ms; alerting_regex_budget_exceeded_total {before} -> {after}");
        Assert.True(answer.StatusCode == HttpStatusCode.BadRequest, $"{(int)answer.StatusCode} {text}");
        Assert.Contains("regular expressions ran longer than", text, StringComparison.Ordinal);
        Assert.Equal(before + 1, after);
        Assert.True(took < TimeSpan.FromSeconds(4), $"took {took}"); // budget 1 s plus one evaluation in flight; unbounded 6 s

        // Ordinary filters are untouched.
        Assert.Single(await host.GetArrayAsync("api/v2/alerts?filter=" + Uri.EscapeDataString("alertname=~\"Ev.*\"")));
    }

    private static Task<double> TimeoutsAsync(AlertingTestHost host) => MetricAsync(host, "alerting_regex_timeouts_total");

    private static async Task<double> MetricAsync(AlertingTestHost host, string name)
    {
        var text = await host.Client.GetStringAsync("metrics");
        var line = text.Split('\n').First(l => l.StartsWith(name + " ", StringComparison.Ordinal));
        return double.Parse(line[(name.Length + 1)..], CultureInfo.InvariantCulture);
    }
}
