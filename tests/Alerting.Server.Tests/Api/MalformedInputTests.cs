using System.Net;
using System.Text;
using Alerting.Infrastructure;

namespace Alerting.Api;

/// <summary>A corpus of bad payloads: each gets 400, 413 or 422 with a message, never a 5xx, and the store does not change.</summary>
public sealed class MalformedInputTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const string Config = AlertingTestHost.DefaultConfig + """

        server:
          limits:
            max_body_bytes: 65536
            max_alerts_per_request: 50
            max_labels_per_alert: 10
            max_label_name_length: 64
            max_label_value_length: 256
            max_annotation_value_length: 1024
        """;

    public static IEnumerable<(string Path, string Body)> Corpus()
    {
        string[] notJson =
        [
            "", " ", "{", "[", "]", "[{", "[{]", "[{\"labels\":", "nul", "tru", "[1,", "{\"a\":}", "[\"unterminated]",
            "<xml/>", "labels=a", "[{'labels':{'a':'b'}}]", "[{\"labels\":{\"a\":\"b\"}},]", "\u0000", "[{\"labels\":{\"a\":\"b\"}}]]",
            "[{\"labels\":{\"a\":\"b\" \"c\":\"d\"}}]", "[{labels:{}}]", "[{\"labels\":{\"a\":\"\\x41\"}}]", "[{\"labels\":{\"a\":\"\\u12\"}}]",
            "[" + new string('[', 100) + new string(']', 101),
        ];
        string[] wrongTypes =
        [
            "null", "1", "\"string\"", "true", "{}", "{\"labels\":{\"a\":\"b\"}}", "[1]", "[\"x\"]", "[[]]", "[true]",
            "[{\"labels\":[]}]", "[{\"labels\":\"a=b\"}]", "[{\"labels\":1}]", "[{\"labels\":{\"a\":1}}]", "[{\"labels\":{\"a\":true}}]",
            "[{\"labels\":{\"a\":{}}}]", "[{\"labels\":{\"a\":[\"b\"]}}]", "[{\"labels\":{\"a\":\"b\"},\"annotations\":[]}]",
            "[{\"labels\":{\"a\":\"b\"},\"annotations\":{\"x\":2}}]", "[{\"labels\":{\"a\":\"b\"},\"startsAt\":12345}]",
            "[{\"labels\":{\"a\":\"b\"},\"startsAt\":\"yesterday\"}]", "[{\"labels\":{\"a\":\"b\"},\"endsAt\":\"2026-13-45T00:00:00Z\"}]",
            "[{\"labels\":{\"a\":\"b\"},\"endsAt\":true}]", "[{\"labels\":{\"a\":\"b\"},\"generatorURL\":5}]",
            "[{\"labels\":{\"a\":\"b\"},\"generatorURL\":{}}]", "[{\"labels\":{\"a\":\"b\"},\"startsAt\":\"\"}]",
        ];
        string[] invalidAlerts =
        [
            "[{}]", "[null]", "[{\"labels\":{}}]", "[{\"labels\":null}]", "[{\"labels\":{\"a\":\"\"}}]", "[{\"labels\":{\"a\":null}}]",
            // Names like 1a, a-b, a.b or é are valid UTF-8 names (Alertmanager 0.27+'s default); empty, NUL or broken UTF-8 ones never are.
            "[{\"labels\":{\"\":\"c\"}}]", "[{\"labels\":{\"a\\u0000b\":\"c\"}}]", "[{\"labels\":{\"\\ud800\":\"c\"}}]",
            "[{\"labels\":{\"a\":\"\\ud800\"}}]", "[{\"labels\":{\"a\":\"x\\udc00\"}}]",
            "[{\"labels\":{\"a\":\"b\"},\"annotations\":{\"\":\"x\"}}]", "[{\"labels\":{\"a\":\"b\"},\"annotations\":{\"s\":\"\\ud800\"}}]",
            // NUL: PostgreSQL cannot store it; before validation refused it, the write failed as a 503 (found by fuzzing).
            "[{\"labels\":{\"a\":\"\\u0000\"}}]", "[{\"labels\":{\"a\":\"b\"},\"annotations\":{\"s\":\"x\\u0000\"}}]",
            "[{\"labels\":{\"a\":\"b\"},\"generatorURL\":\"http://x/\\u0000\"}]", "[{\"labels\":{\"a\":\"b\"},\"generatorURL\":\"\\ud800\"}]",
            "[{\"labels\":{\"a\":\"b\"},\"startsAt\":\"2026-01-02T00:00:00Z\",\"endsAt\":\"2026-01-01T00:00:00Z\"}]",
            "[{\"labels\":{\"a\":\"b\"},\"startsAt\":\"2026-01-01T00:00:01Z\",\"endsAt\":\"2026-01-01T00:00:00Z\"}]",
            "[null,null]", "[{},{}]", "[{\"annotations\":{\"a\":\"b\"}}]", "[{\"labels\":{},\"annotations\":{\"summary\":\"x\"}}]",
            "[{\"labels\":{\"" + new string('n', 65) + "\":\"v\"}}]",
            "[{\"labels\":{\"a\":\"" + new string('v', 257) + "\"}}]",
            "[{\"labels\":{\"a\":\"b\"},\"annotations\":{\"d\":\"" + new string('v', 1025) + "\"}}]",
            "[{\"labels\":{" + string.Join(",", Enumerable.Range(0, 11).Select(i => $"\"l{i}\":\"v\"")) + "}}]",
        ];
        var tooMany = "[" + string.Join(",", Enumerable.Range(0, 51).Select(i => $"{{\"labels\":{{\"alertname\":\"n{i}\"}}}}")) + "]";
        var tooBig = "[{\"labels\":{\"a\":\"b\"},\"annotations\":{\"x\":\"" + new string('x', 70_000) + "\"}}]";

        foreach (var path in new[] { "api/v2/alerts", "api/v1/alerts" })
        {
            foreach (var body in notJson.Concat(wrongTypes).Concat(invalidAlerts))
            {
                yield return (path, body);
            }
            yield return (path, tooMany);
            yield return (path, tooBig);
        }

        string[] badSilences =
        [
            "", "{", "null", "[]", "1", "{\"matchers\":\"a=b\"}", "{\"matchers\":[{\"name\":1}]}", "{\"matchers\":[null]}",
            "{\"matchers\":[],\"startsAt\":\"2026-01-01T00:00:00Z\",\"endsAt\":\"2099-01-01T00:00:00Z\",\"createdBy\":\"a\",\"comment\":\"c\"}",
            "{\"matchers\":[{\"name\":\"a\",\"value\":\"(\",\"isRegex\":true}],\"startsAt\":\"2026-01-01T00:00:00Z\",\"endsAt\":\"2099-01-01T00:00:00Z\",\"createdBy\":\"a\",\"comment\":\"c\"}",
            "{\"matchers\":[{\"name\":\"a\",\"value\":\"\",\"isRegex\":false}],\"startsAt\":\"2026-01-01T00:00:00Z\",\"endsAt\":\"2099-01-01T00:00:00Z\",\"createdBy\":\"a\",\"comment\":\"c\"}",
            "{\"matchers\":[{\"name\":\"a\",\"value\":\"b\",\"isRegex\":false}],\"startsAt\":\"2026-01-01T00:00:00Z\",\"endsAt\":\"2020-01-01T00:00:00Z\",\"createdBy\":\"a\",\"comment\":\"c\"}",
            "{\"matchers\":[{\"name\":\"a\",\"value\":\"b\",\"isRegex\":false}],\"startsAt\":\"2026-01-01T00:00:00Z\",\"endsAt\":\"2099-01-01T00:00:00Z\",\"comment\":\"c\"}",
            "{\"matchers\":[{\"name\":\"a\",\"value\":\"b\",\"isRegex\":false}],\"startsAt\":\"2026-01-01T00:00:00Z\",\"endsAt\":\"2099-01-01T00:00:00Z\",\"createdBy\":\"a\"}",
            "{\"matchers\":[{\"name\":\"a\",\"value\":\"b\",\"isRegex\":false}],\"startsAt\":\"bad\",\"endsAt\":\"2099-01-01T00:00:00Z\",\"createdBy\":\"a\",\"comment\":\"c\"}",
            "{\"matchers\":[{\"name\":\"a\",\"value\":\"b\",\"isRegex\":\"yes\"}],\"startsAt\":\"2026-01-01T00:00:00Z\",\"endsAt\":\"2099-01-01T00:00:00Z\",\"createdBy\":\"a\",\"comment\":\"c\"}",
            "{\"matchers\":[{\"name\":\"a\",\"value\":\"b\",\"isRegex\":false}],\"startsAt\":\"2026-01-01T00:00:00Z\",\"endsAt\":\"2099-01-01T00:00:00Z\",\"createdBy\":\"a\",\"comment\":\"c\\u0000\"}",
            "{\"matchers\":[{\"name\":\"a\",\"value\":\"b\\u0000\",\"isRegex\":false}],\"startsAt\":\"2026-01-01T00:00:00Z\",\"endsAt\":\"2099-01-01T00:00:00Z\",\"createdBy\":\"a\",\"comment\":\"c\"}",
        ];
        foreach (var body in badSilences)
        {
            yield return ("api/v2/silences", body);
        }
        foreach (var body in new[] { "", "{", "null", "[]", "{\"alerts\":{}}", "{\"alerts\":[{\"labels\":[]}]}", "{\"alerts\":[{\"labels\":{}}]}", "{\"alerts\":[null]}",
            "{\"alerts\":[{\"labels\":{\"a\":\"b\"},\"dashboardURL\":\"\\u0000\"}]}", "{\"alerts\":[{\"labels\":{\"a\":\"b\"},\"values\":{\"A\":\"\\ud800\"}}]}",
            "{\"alerts\":[{\"labels\":{\"a\":\"b\"},\"values\":{\"\\u0000\":1}}]}" })
        {
            yield return ("api/grafana/alerts", body);
        }
    }

    [Fact]
    public async Task Every_malformed_payload_is_refused_cleanly_and_the_store_is_unchanged()
    {
        await using var host = await AlertingTestHost.StartAsync(Config);
        Assert.Equal(HttpStatusCode.OK, (await host.PostJsonAsync("api/v2/alerts", """[{"labels":{"alertname":"Seed"}}]""")).StatusCode);
        var before = await host.SnapshotAlertsAsync();
        var silencesBefore = await host.CountAsync("silences");

        var corpus = Corpus().ToList();
        Assert.True(corpus.Count >= 100, $"corpus has {corpus.Count} payloads");
        output.WriteLine($"malformed corpus: {corpus.Count} payloads over {corpus.Select(c => c.Path).Distinct().Count()} endpoints");
        var failures = new List<string>();
        foreach (var (path, body) in corpus)
        {
            var response = await host.Client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
            var text = await response.Content.ReadAsStringAsync();
            var status = (int)response.StatusCode;
            if (status is not (400 or 413 or 422) || text.Trim('"', ' ').Length == 0)
            {
                failures.Add($"{path} {Shorten(body)} -> {status} {Shorten(text)}");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(before, await host.SnapshotAlertsAsync());
        Assert.Equal(silencesBefore, await host.CountAsync("silences"));
    }

    private static string Shorten(string s) => s.Length <= 80 ? s : s[..80] + "…";
}
