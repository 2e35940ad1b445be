using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Alerting.Core.Infrastructure;
using Alerting.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Alerting.Api;

/// <summary>
/// Seeded random mutations of valid payloads, 10,000 per endpoint, posted over HTTP to a real instance. None may
/// answer 5xx or log an error, and input that is refused as a whole must not change the store: every such
/// request is sent a second time between two snapshots of the database, which must be equal. The clock is
/// a fake one that stands still, so a replay is judged at the same moment as the first try.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed partial class ApiFuzzTests(ITestOutputHelper output)
{
    private const int Parallelism = 8;

    // The limits are small so that cases reach them; the flood limits are off: every case comes from 127.0.0.1.
    // The receiver has no integrations: the clock stands still, so a send would wait on its retry forever.
    private const string Config = """
        route:
          receiver: nowhere
          group_by: [alertname]
          routes:
            - receiver: nowhere
              matchers: ['team="db"']
        receivers:
          - name: nowhere
        inhibit_rules:
          - source_matchers: [severity="critical"]
            target_matchers: [severity="warning"]
            equal: [cluster]
        server:
          limits:
            max_body_bytes: 65536
            max_alerts_per_request: 50
            max_labels_per_alert: 30
            max_label_name_length: 64
            max_label_value_length: 1024
            max_annotation_value_length: 4096
            ingest_requests_per_second: 0
            ingest_concurrency_per_source: 0
            ingest_concurrency: 0
        """;

    private static readonly DateTimeOffset s_now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public Task Post_api_v2_alerts() => FuzzAsync("api/v2/alerts", AlertSeeds(), Kind.AlertList);

    [Fact]
    public Task Post_api_v1_alerts() => FuzzAsync("api/v1/alerts", AlertSeeds(), Kind.AlertList);

    [Fact]
    public Task Post_api_grafana_alerts() => FuzzAsync("api/grafana/alerts", GrafanaSeeds(), Kind.Grafana);

    [Fact]
    public Task Post_api_v2_silences() => FuzzAsync("api/v2/silences", SilenceSeeds(), Kind.Silence);

    private enum Kind
    {
        AlertList,
        Grafana,
        Silence,
    }

    private sealed record Outcome(int Index, string Body, int Status, string Response);

    private async Task FuzzAsync(string path, string[] seeds, Kind kind)
    {
        var (seed, cases) = (Mutator.Seed, Mutator.Cases);
        var logs = new CapturingLoggerProvider();
        await using var host = await AlertingTestHost.StartAsync(Config, time: new FakeTimeProvider(s_now), logs: logs);
        // Seed data, so that a bad request has something to corrupt.
        foreach (var valid in seeds)
        {
            var seeded = await host.PostJsonAsync(path, valid);
            Assert.True(seeded.IsSuccessStatusCode, $"seed {valid}: {(int)seeded.StatusCode} {await seeded.Content.ReadAsStringAsync()}");
        }
        logs.Clear(); // EF Core logs a failed probe of the migrations table at start; only what follows counts.
        var clock = Stopwatch.StartNew();

        var outcomes = new ConcurrentBag<Outcome>();
        await Parallel.ForEachAsync(Enumerable.Range(0, cases), new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (i, ct) =>
        {
            var mutator = new Mutator(seed, i);
            var body = mutator.MutateJson(mutator.Pick(seeds));
            var (status, text) = await PostAsync(host, path, body, ct);
            outcomes.Add(new Outcome(i, body, status, text));
        });
        var firstPass = clock.Elapsed;

        var serverErrors = outcomes.Where(o => o.Status is >= 500 or 0).OrderBy(o => o.Index).ToList();
        var accepted = outcomes.Count(o => o.Status is >= 200 and < 300);
        var rejected = outcomes.Where(o => o.Status is >= 400 and < 500).ToList();
        var whole = rejected.Where(o => RefusedWhole(kind, o)).ToList();
        var partly = rejected.Count - whole.Count;

        // Replay everything refused as a whole between two snapshots: none of it may have touched the store.
        var before = await SnapshotAsync(host);
        var changedAnswer = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(whole, new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (o, ct) =>
        {
            var (status, _) = await PostAsync(host, path, o.Body, ct);
            if (status is < 400 or >= 500)
            {
                changedAnswer.Add($"case {o.Index}: {o.Status} first, {status} on replay: {Mutator.Shorten(o.Body)}");
            }
        });
        var after = await SnapshotAsync(host);

        var statuses = string.Join(", ", outcomes.GroupBy(o => o.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}"));
        output.WriteLine($"fuzz POST /{path} (seed {seed}): {cases} cases, {rejected.Count} rejected 4xx "
            + $"({whole.Count} as a whole, replayed: store {(before == after ? "unchanged" : "CHANGED")}; {partly} partly), "
            + $"{accepted} accepted, {serverErrors.Count} 5xx or no answer, {logs.Errors.Count} errors logged; statuses {{{statuses}}}; "
            + $"{firstPass.TotalSeconds:0.0} s + {(clock.Elapsed - firstPass).TotalSeconds:0.0} s replay");

        Assert.True(serverErrors.Count == 0, string.Join("\n", serverErrors.Take(10).Select(o => $"case {o.Index}: {o.Status} {Mutator.Shorten(o.Response)} for {Mutator.Shorten(o.Body)}")));
        Assert.True(logs.Errors.Count == 0, string.Join("\n", logs.Errors.Take(5)));
        Assert.True(changedAnswer.IsEmpty, string.Join("\n", changedAnswer.Take(10)));
        Assert.Equal(before, after);
        Assert.Equal(cases, outcomes.Count);
        Assert.True(accepted > 0 && whole.Count > 0, "the mutations should produce both valid and invalid payloads");
    }

    /// <summary>The status and body; a request without an answer in 20 s is status 0, a failure like a 5xx.</summary>
    private static async Task<(int Status, string Text)> PostAsync(AlertingTestHost host, string path, string body, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        try
        {
            using var response = await host.Client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"), timeout.Token);
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(timeout.Token));
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return (0, "no answer within 20 s");
        }
    }

    /// <summary>
    /// Whether the answer says nothing of the request was stored. A 400 that lists per-alert errors stores the
    /// valid alerts (as Alertmanager does), so it counts as whole only when every alert of the body is listed.
    /// </summary>
    private static bool RefusedWhole(Kind kind, Outcome o)
    {
        if (kind == Kind.Silence || o.Status != 400)
        {
            return true;
        }
        string? error;
        try
        {
            error = JsonNode.Parse(o.Response) switch
            {
                JsonValue v => v.GetValue<string>(),
                JsonObject v1 => v1["error"]?.GetValue<string>(),
                _ => null,
            };
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return false;
        }
        if (error is null || !error.StartsWith("alert ", StringComparison.Ordinal))
        {
            return true; // the body as a whole was refused before any alert was looked at
        }
        var listed = AlertError().Matches(error).Select(m => m.Groups[1].Value).Distinct().Count();
        return CountAlerts(kind, o.Body) is { } total && listed == total;
    }

    private static int? CountAlerts(Kind kind, string body)
    {
        try
        {
            var root = JsonNode.Parse(body);
            var list = kind == Kind.Grafana ? root?["alerts"] : root;
            return (list as JsonArray)?.Count;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"(?m)^alert (\d+): ")]
    private static partial Regex AlertError();

    /// <summary>Everything a request could change, in a comparable form.</summary>
    private static Task<string> SnapshotAsync(AlertingTestHost host) => host.ScalarAsync<string>($"""
        SELECT (SELECT coalesce(string_agg(fingerprint || ':' || labels::text || annotations::text || starts_at || ends_at || updated_at, '|' ORDER BY fingerprint), '') FROM alerts)
            || '#' || (SELECT coalesce(string_agg(id || matchers::text || starts_at || ends_at || updated_at || created_by || comment, '|' ORDER BY id), '') FROM silences)
            || '#' || (SELECT count(*) FROM alert_events) || '#' || (SELECT count(*) FROM {Persistence.Memberships.All} m) || '#' || (SELECT count(*) FROM aggregation_groups)
        """);

    private static string Time(TimeSpan offset) => (s_now + offset).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    private static string[] AlertSeeds() =>
    [
        $$"""
        [{"labels":{"alertname":"DiskFull","instance":"db-1","severity":"critical","team":"db"},
          "annotations":{"summary":"Disk /data is 97% full","description":"Only 3 GB left"},
          "startsAt":"{{Time(TimeSpan.FromMinutes(-5))}}","endsAt":"{{Time(TimeSpan.FromHours(1))}}",
          "generatorURL":"http://prometheus:9090/graph?g0.expr=disk_free"},
         {"labels":{"alertname":"HighLatency","cluster":"eu1","severity":"warning"},"annotations":{} }]
        """,
        $$"""[{"labels":{"alertname":"Resolved","job":"node"},"startsAt":"{{Time(TimeSpan.FromHours(-2))}}","endsAt":"{{Time(TimeSpan.FromHours(-1))}}"}]""",
        """[{"labels":{"alertname":"Bare"}}]""",
    ];

    private static string[] GrafanaSeeds() =>
    [
        $$"""
        {"receiver":"alerting","status":"firing","orgId":1,"version":"1","externalURL":"http://grafana:3000/",
         "alerts":[{"status":"firing","labels":{"alertname":"CPU high","grafana_folder":"Infra","instance":"web-1"},
                    "annotations":{"summary":"CPU at 95%"},"startsAt":"{{Time(TimeSpan.FromMinutes(-3))}}","endsAt":"0001-01-01T00:00:00Z",
                    "generatorURL":"http://grafana:3000/alerting/grafana/abc/view","fingerprint":"57c6d9296de2ad39",
                    "silenceURL":"http://grafana:3000/alerting/silence/new","dashboardURL":"http://grafana:3000/d/x","panelURL":"http://grafana:3000/d/x?viewPanel=1",
                    "values":{"A":95.2,"B":1},"valueString":"[ var='A' value=95.2 ]"},
                   {"status":"resolved","labels":{"alertname":"Disk","instance":"web-2"},"annotations":{},
                    "startsAt":"{{Time(TimeSpan.FromHours(-1))}}","endsAt":"{{Time(TimeSpan.FromMinutes(-1))}}"}]}
        """,
        """{"alerts":[{"status":"firing","labels":{"alertname":"Minimal"}}]}""",
    ];

    private static string[] SilenceSeeds() =>
    [
        $$"""
        {"matchers":[{"name":"alertname","value":"DiskFull","isRegex":false,"isEqual":true},{"name":"instance","value":"db-[0-9]+","isRegex":true}],
         "startsAt":"{{Time(TimeSpan.Zero)}}","endsAt":"{{Time(TimeSpan.FromHours(2))}}","createdBy":"fuzz","comment":"maintenance"}
        """,
        $$"""{"matchers":[{"name":"severity","value":"info","isRegex":false,"isEqual":false},{"name":"team","value":"web","isRegex":false}],"startsAt":"{{Time(TimeSpan.FromHours(1))}}","endsAt":"{{Time(TimeSpan.FromDays(1))}}","createdBy":"ops","comment":"later"}""",
    ];
}
