using System.Globalization;
using System.Text;
using System.Text.Json;
using Alerting.Core.Alerts;
using Alerting.Core.Labels;
using Alerting.Core.Notifications;

namespace Alerting.Channels.Webhook;

public sealed class WebhookMessageTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    // Bodies captured from Alertmanager 0.25 (tests/reference/alertmanager-0.25/webhook_example_*.json).
    private const string DbCriticalBody = """
        {
          "receiver": "sink-db-critical",
          "status": "firing",
          "alerts": [
            {
              "status": "firing",
              "labels": {
                "alertname": "LatencyProbe_9f2d5db6_000",
                "instance": "probe-0",
                "severity": "critical",
                "team": "db"
              },
              "annotations": {
                "summary": "latency probe"
              },
              "startsAt": "2026-11-25T23:56:35.935447Z",
              "endsAt": "0001-01-01T00:00:00Z",
              "generatorURL": "http://127.0.0.1:9090/probe",
              "fingerprint": "976876ee69b7a5c3"
            }
          ],
          "groupLabels": {
            "alertname": "LatencyProbe_9f2d5db6_000",
            "instance": "probe-0"
          },
          "commonLabels": {
            "alertname": "LatencyProbe_9f2d5db6_000",
            "instance": "probe-0",
            "severity": "critical",
            "team": "db"
          },
          "commonAnnotations": {
            "summary": "latency probe"
          },
          "externalURL": "http://vm:19093",
          "version": "4",
          "groupKey": "{}/{severity=~\"critical|warning\",team=\"db\"}/{severity=\"critical\"}:{alertname=\"LatencyProbe_9f2d5db6_000\", instance=\"probe-0\"}",
          "truncatedAlerts": 0
        }
        """;

    // What Go's Encoder wrote for it, byte for byte: 832 bytes, the captured Content-Length.
    private const string DbCriticalWire =
        """{"receiver":"sink-db-critical","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"LatencyProbe_9f2d5db6_000","instance":"probe-0","severity":"critical","team":"db"},"annotations":{"summary":"latency probe"},"startsAt":"2026-11-25T23:56:35.935447Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"http://127.0.0.1:9090/probe","fingerprint":"976876ee69b7a5c3"}],"groupLabels":{"alertname":"LatencyProbe_9f2d5db6_000","instance":"probe-0"},"commonLabels":{"alertname":"LatencyProbe_9f2d5db6_000","instance":"probe-0","severity":"critical","team":"db"},"commonAnnotations":{"summary":"latency probe"},"externalURL":"http://vm:19093","version":"4","groupKey":"{}/{severity=~\"critical|warning\",team=\"db\"}/{severity=\"critical\"}:{alertname=\"LatencyProbe_9f2d5db6_000\", instance=\"probe-0\"}","truncatedAlerts":0}"""
        + "\n";

    private const string DefaultRouteBody = """
        {
          "receiver": "sink-default",
          "status": "firing",
          "alerts": [
            {
              "status": "firing",
              "labels": {
                "alertname": "RetryProbe",
                "severity": "warning"
              },
              "annotations": {},
              "startsAt": "2026-11-25T23:56:40.223102788Z",
              "endsAt": "0001-01-01T00:00:00Z",
              "generatorURL": "",
              "fingerprint": "3d1bef428447e8bd"
            }
          ],
          "groupLabels": {
            "alertname": "RetryProbe"
          },
          "commonLabels": {
            "alertname": "RetryProbe",
            "severity": "warning"
          },
          "commonAnnotations": {},
          "externalURL": "http://vm:19093",
          "version": "4",
          "groupKey": "{}:{alertname=\"RetryProbe\"}",
          "truncatedAlerts": 0
        }
        """;

    private static DateTimeOffset Time(string s) => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture);

    [Fact]
    public void Rebuilds_the_captured_db_critical_notification_byte_for_byte()
    {
        var startsAt = Time("2026-11-25T23:56:35.935447Z");
        var alert = new Alert(
            LabelSet.From(("alertname", "LatencyProbe_9f2d5db6_000"), ("instance", "probe-0"), ("severity", "critical"), ("team", "db")),
            LabelSet.From(("summary", "latency probe")),
            startsAt,
            startsAt.AddMinutes(5), // a resolve_timeout end: firing alerts still go out with a zero end
            "http://127.0.0.1:9090/probe",
            startsAt,
            Timeout: true);
        var data = NotificationData.Create(
            "sink-db-critical",
            "{}/{severity=~\"critical|warning\",team=\"db\"}/{severity=\"critical\"}:{alertname=\"LatencyProbe_9f2d5db6_000\", instance=\"probe-0\"}",
            LabelSet.From(("alertname", "LatencyProbe_9f2d5db6_000"), ("instance", "probe-0")),
            [alert],
            "http://vm:19093",
            startsAt.AddSeconds(30));

        var body = WebhookMessage.Serialize(data, maxAlerts: 0);

        AssertSameJson(DbCriticalBody, body);
        Assert.Equal(DbCriticalWire, body);
        Assert.Equal(832, Encoding.UTF8.GetByteCount(body));
    }

    [Fact]
    public void Rebuilds_the_captured_default_route_notification()
    {
        // Go keeps nanoseconds; DateTimeOffset keeps 100 ns ticks, so the last two digits are lost.
        var startsAt = Time("2026-11-25T23:56:40.2231027Z");
        var alert = new Alert(
            LabelSet.From(("alertname", "RetryProbe"), ("severity", "warning")),
            LabelSet.Empty,
            startsAt,
            startsAt.AddMinutes(5),
            "",
            startsAt,
            Timeout: true);
        var data = NotificationData.Create(
            "sink-default", "{}:{alertname=\"RetryProbe\"}", LabelSet.From(("alertname", "RetryProbe")), [alert], "http://vm:19093", startsAt.AddSeconds(30));

        var body = WebhookMessage.Serialize(data, maxAlerts: 0);

        AssertSameJson(DefaultRouteBody.Replace("40.223102788Z", "40.2231027Z", StringComparison.Ordinal), body);
        Assert.Contains("\"annotations\":{},", body, StringComparison.Ordinal);
        Assert.Contains("\"commonAnnotations\":{},", body, StringComparison.Ordinal);
        Assert.Equal(514 - 2, Encoding.UTF8.GetByteCount(body)); // captured Content-Length less the two digits
        Assert.EndsWith("}\n", body, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolved_alerts_carry_their_end_and_firing_alerts_a_zero_end()
    {
        var alerts = new[]
        {
            new Alert(LabelSet.From(("a", "1")), LabelSet.Empty, Time("2026-01-01T10:00:00Z"), Time("2026-01-01T11:30:00.5Z"), "", Now, false),
            new Alert(LabelSet.From(("a", "2")), LabelSet.Empty, Time("2026-01-01T10:00:00Z"), Now.AddHours(1), "", Now, false),
        };
        var data = NotificationData.Create("r", "k", LabelSet.Empty, alerts, "", Now);

        var root = Parse(WebhookMessage.Serialize(data, 0));

        var sent = root.GetProperty("alerts").EnumerateArray().ToList();
        Assert.Equal("resolved", sent[0].GetProperty("status").GetString());
        Assert.Equal("2026-01-01T11:30:00.5Z", sent[0].GetProperty("endsAt").GetString());
        Assert.Equal("2026-01-01T10:00:00Z", sent[0].GetProperty("startsAt").GetString());
        Assert.Equal("firing", sent[1].GetProperty("status").GetString());
        Assert.Equal("0001-01-01T00:00:00Z", sent[1].GetProperty("endsAt").GetString());
        Assert.Equal("firing", root.GetProperty("status").GetString());
    }

    [Fact]
    public void All_resolved_sends_status_resolved()
    {
        var alert = new Alert(LabelSet.From(("a", "1")), LabelSet.Empty, Now.AddHours(-1), Now.AddMinutes(-1), "", Now, false);
        var root = Parse(WebhookMessage.Serialize(NotificationData.Create("r", "k", LabelSet.Empty, [alert], "", Now), 0));
        Assert.Equal("resolved", root.GetProperty("status").GetString());
    }

    [Fact]
    public void Max_alerts_truncates_and_counts_the_dropped_alerts()
    {
        var alerts = Enumerable.Range(0, 5)
            .Select(i => new Alert(LabelSet.From(("alertname", "A"), ("instance", $"i{i}"), ("odd", (i % 2).ToString(CultureInfo.InvariantCulture))),
                LabelSet.Empty, Now.AddHours(-1), Now.AddHours(1), "", Now, false))
            .Reverse()
            .ToArray();
        var data = NotificationData.Create("r", "k", LabelSet.From(("alertname", "A")), alerts, "", Now);

        var root = Parse(WebhookMessage.Serialize(data, maxAlerts: 1));

        var sent = Assert.Single(root.GetProperty("alerts").EnumerateArray());
        Assert.Equal("i0", sent.GetProperty("labels").GetProperty("instance").GetString()); // after sorting
        Assert.Equal(4, root.GetProperty("truncatedAlerts").GetInt32());
        // Common labels are those of the alerts sent, as Alertmanager truncates before building its data.
        Assert.Equal("i0", root.GetProperty("commonLabels").GetProperty("instance").GetString());

        var all = Parse(WebhookMessage.Serialize(data, maxAlerts: 0));
        Assert.Equal(5, all.GetProperty("alerts").GetArrayLength());
        Assert.Equal(0, all.GetProperty("truncatedAlerts").GetInt32());
        Assert.False(all.GetProperty("commonLabels").TryGetProperty("instance", out _));

        Assert.Equal(0, Parse(WebhookMessage.Serialize(data, maxAlerts: 5)).GetProperty("truncatedAlerts").GetInt32());
    }

    [Fact]
    public void Strings_are_escaped_as_go_encoding_json_does()
    {
        var annotations = LabelSet.From(
            ("html", "<a href=\"x\">&amp;</a>"),
            ("ctl", "tab\tnl\ncr\rbs\bff\fnul\u0001"),
            ("quote", "back\\slash 'single'"),
            ("seps", "line\u2028para\u2029"),
            ("utf8", "h\u00e9llo \u65e5\u672c \U0001F600 \u007f"));
        var alert = new Alert(LabelSet.From(("alertname", "Esc<>")), annotations, Now, Now.AddHours(1), "http://x/?a=1&b=2", Now, false);

        var body = WebhookMessage.Serialize(NotificationData.Create("r", "k", LabelSet.Empty, [alert], "", Now), 0);

        Assert.Contains("\"ctl\":\"tab\\tnl\\ncr\\rbs\\u0008ff\\u000cnul\\u0001\"", body, StringComparison.Ordinal);
        Assert.Contains("\"html\":\"\\u003ca href=\\\"x\\\"\\u003e\\u0026amp;\\u003c/a\\u003e\"", body, StringComparison.Ordinal);
        Assert.Contains("\"quote\":\"back\\\\slash 'single'\"", body, StringComparison.Ordinal);
        Assert.Contains("\"seps\":\"line\\u2028para\\u2029\"", body, StringComparison.Ordinal);
        // Non-ASCII (and DEL) go out raw, not as \u escapes.
        Assert.Contains("\"utf8\":\"h\u00e9llo \u65e5\u672c \U0001F600 \u007f\"", body, StringComparison.Ordinal);
        Assert.Contains("\"alertname\":\"Esc\\u003c\\u003e\"", body, StringComparison.Ordinal);
        Assert.Contains("\"generatorURL\":\"http://x/?a=1\\u0026b=2\"", body, StringComparison.Ordinal);

        // And it is valid JSON that round-trips.
        var root = Parse(body);
        var sent = root.GetProperty("alerts")[0].GetProperty("annotations");
        foreach (var (name, value) in annotations)
        {
            Assert.Equal(value, sent.GetProperty(name).GetString());
        }
    }

    [Fact]
    public void A_lone_surrogate_is_sent_as_the_replacement_character()
    {
        var alert = new Alert(LabelSet.From(("a", "x\uD800y")), LabelSet.Empty, Now, Now.AddHours(1), "", Now, false);
        var body = WebhookMessage.Serialize(NotificationData.Create("r", "k", LabelSet.Empty, [alert], "", Now), 0);
        Assert.Contains("\"a\":\"x\\ufffdy\"", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-11-25T23:56:35Z", "2026-11-25T23:56:35Z")]
    [InlineData("2026-11-25T23:56:35.5Z", "2026-11-25T23:56:35.5Z")]
    [InlineData("2026-11-25T23:56:35.1000000Z", "2026-11-25T23:56:35.1Z")]
    [InlineData("2026-11-25T23:56:35.0000001Z", "2026-11-25T23:56:35.0000001Z")]
    [InlineData("2026-11-25T23:56:35.935447Z", "2026-11-25T23:56:35.935447Z")]
    [InlineData("2026-11-25T23:56:35.25+02:00", "2026-11-25T23:56:35.25+02:00")]
    [InlineData("2026-11-25T23:56:35-05:30", "2026-11-25T23:56:35-05:30")]
    [InlineData("0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z")]
    public void Times_use_gos_rfc3339_nano_form(string input, string expected) =>
        Assert.Equal(expected, GoJson.FormatTime(Time(input)));

    [Fact]
    public void Empty_group_sends_empty_objects_and_an_empty_list()
    {
        var body = WebhookMessage.Serialize(NotificationData.Create("r", "k", LabelSet.Empty, [], "", Now), 0);
        Assert.Equal(
            """{"receiver":"r","status":"resolved","alerts":[],"groupLabels":{},"commonLabels":{},"commonAnnotations":{},"externalURL":"","version":"4","groupKey":"k","truncatedAlerts":0}""" + "\n",
            body);
    }

    private static JsonElement Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }

    /// <summary>Same values, same property order, same raw number and string text.</summary>
    private static void AssertSameJson(string expected, string actual)
    {
        using var e = JsonDocument.Parse(expected);
        using var a = JsonDocument.Parse(actual);
        AssertSame(e.RootElement, a.RootElement, "$");
    }

    private static void AssertSame(JsonElement expected, JsonElement actual, string path)
    {
        Assert.True(expected.ValueKind == actual.ValueKind, $"{path}: {expected.ValueKind} expected, got {actual.ValueKind}");
        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                var ep = expected.EnumerateObject().ToList();
                var ap = actual.EnumerateObject().ToList();
                Assert.True(
                    ep.Select(p => p.Name).SequenceEqual(ap.Select(p => p.Name)),
                    $"{path}: properties [{string.Join(",", ep.Select(p => p.Name))}] expected, got [{string.Join(",", ap.Select(p => p.Name))}]");
                for (var i = 0; i < ep.Count; i++)
                {
                    AssertSame(ep[i].Value, ap[i].Value, $"{path}.{ep[i].Name}");
                }
                break;
            case JsonValueKind.Array:
                Assert.True(expected.GetArrayLength() == actual.GetArrayLength(), $"{path}: array length");
                for (var i = 0; i < expected.GetArrayLength(); i++)
                {
                    AssertSame(expected[i], actual[i], $"{path}[{i}]");
                }
                break;
            case JsonValueKind.String:
                Assert.True(expected.GetString() == actual.GetString(), $"{path}: \"{expected.GetString()}\" expected, got \"{actual.GetString()}\"");
                break;
            default:
                Assert.True(expected.GetRawText() == actual.GetRawText(), $"{path}: {expected.GetRawText()} expected, got {actual.GetRawText()}");
                break;
        }
    }
}
