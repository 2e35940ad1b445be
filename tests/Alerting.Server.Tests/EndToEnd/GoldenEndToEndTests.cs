using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Alerting.Channels.Http;
using Alerting.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Alerting.EndToEnd;

/// <summary>
/// Alertmanager 0.25's own capture run, replayed through the whole service: its alertmanager.yml unmodified but for
/// the receivers' addresses, alerts.json posted firing and then resolved, and every request each receiver got
/// compared with what Alertmanager sent (tests/reference/alertmanager-0.25/integrations). This checks what a
/// notification carries (which alerts, statuses, group key, truncation), not only how a notifier encodes it.
/// </summary>
public sealed class GoldenEndToEndTests
{
    // The captures whose receivers listen on plain HTTP on 127.0.0.1, with the capture's port.
    // Not here: email (SMTP; Email/ tests compare it), pagerduty-v1 and pushover (reached through a TLS proxy whose
    // CA the capture does not include), sns (signed with the send's date; Sns/SnsNotifierTests checks it).
    private static readonly (string Capture, int Port)[] Captures =
    [
        ("webhook", 19110), ("webhook-max1", 19111), ("slack", 19112), ("pagerduty-v2", 19113), ("opsgenie", 19115), ("victorops", 19116),
        ("wechat", 19117), ("telegram", 19118), ("telegram-mdv2", 19119), ("webex", 19121), ("discord", 19122),
    ];

    [Fact]
    public async Task The_captured_run_sends_what_Alertmanager_sent()
    {
        var servers = Captures.ToDictionary(c => c.Capture, _ => LoopbackWireMock.Start());
        try
        {
            foreach (var server in servers.Values)
            {
                Answer(server);
            }
            var config = File.ReadAllText(Path.Combine(GoldenCaptures.Folder, "alertmanager.yml"));
            foreach (var (capture, port) in Captures)
            {
                config = config.Replace($"http://127.0.0.1:{port}", servers[capture].Url, StringComparison.Ordinal);
            }
            // The TLS proxy's CA is not part of the capture; those receivers get no alerts here.
            config = Regex.Replace(config, @"\n\s+tls_config:\n\s+ca_file: tls/ca.crt", "");
            await using var host = await AlertingTestHost.StartAsync(config, options: o => o with { ExternalUrl = GoldenCaptures.ExternalUrl });

            var now = DateTimeOffset.UtcNow;
            var start = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero).AddMinutes(-10);
            var times = new Dictionary<string, string>
            {
                ["<TIME:start1>"] = Go(start),
                ["<TIME:start2>"] = Go(start.AddSeconds(1)),
                ["<TIME:end1>"] = Go(start.AddMinutes(5)),
                ["<TIME:end2>"] = Go(start.AddMinutes(5).AddSeconds(1)),
            };

            Assert.True((await host.PostJsonAsync("api/v2/alerts", Alerts(times, resolved: false))).IsSuccessStatusCode);
            await AllArriveAsync(servers, "firing", before: null);
            Assert.True((await host.PostJsonAsync("api/v2/alerts", Alerts(times, resolved: true))).IsSuccessStatusCode);
            await AllArriveAsync(servers, "resolved", Captures.ToDictionary(c => c.Capture, c => GoldenCaptures.Requests(c.Capture, "firing").Count));

            foreach (var (capture, _) in Captures)
            {
                var log = servers[capture].Requests();
                var firing = GoldenCaptures.Requests(capture, "firing");
                var resolved = GoldenCaptures.Requests(capture, "resolved");
                Assert.Equal(firing.Count + resolved.Count, log.Count);
                foreach (var (expected, actual) in firing.Concat(resolved).Zip(log))
                {
                    Compare(capture, expected, actual, times);
                }
            }
        }
        finally
        {
            foreach (var server in servers.Values)
            {
                server.Dispose();
            }
        }
    }

    private static void Compare(string capture, CapturedRequest expected, WireMock.Logging.ILogEntry actual, Dictionary<string, string> times)
    {
        if (!capture.StartsWith("webhook", StringComparison.Ordinal))
        {
            GoldenCaptures.AssertRequest(GoldenDifferences.Ours(capture, expected), actual);
            return;
        }
        // The webhook's body holds the posted times: ours, shown as the capture's placeholders (lengths differ, so
        // Content-Length is not compared).
        Assert.Equal(expected.Method, actual.RequestMessage.Method);
        Assert.Equal(expected.Path, actual.RequestMessage.Path);
        Assert.Equal(expected.Headers["User-Agent"], actual.Header("User-Agent"));
        var body = times.Aggregate(actual.RequestMessage.Body!, (b, t) => b.Replace(t.Value, t.Key, StringComparison.Ordinal));
        GoldenCaptures.AssertBody(expected, body);
    }

    /// <summary>Waits until every receiver has the capture's number of requests for the phase.</summary>
    private static async Task AllArriveAsync(Dictionary<string, WireMockServer> servers, string phase, Dictionary<string, int>? before)
    {
        foreach (var (capture, _) in Captures)
        {
            var expected = (before?.GetValueOrDefault(capture) ?? 0) + GoldenCaptures.Requests(capture, phase).Count;
            await Eventually.EqualAsync(expected, () => Task.FromResult(servers[capture].Requests().Count), TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>alerts.json once per capture with integration=&lt;capture&gt;, as the capture posted it.</summary>
    private static string Alerts(Dictionary<string, string> times, bool resolved)
    {
        var set = JsonNode.Parse(File.ReadAllText(Path.Combine(GoldenCaptures.Folder, "alerts.json")))!["alerts"]!.AsArray();
        var posted = new JsonArray();
        foreach (var (capture, _) in Captures)
        {
            var i = 0;
            foreach (var alert in set)
            {
                i++;
                var labels = alert!["labels"]!.DeepClone().AsObject();
                labels["integration"] = capture;
                var one = new JsonObject
                {
                    ["labels"] = labels,
                    ["annotations"] = alert["annotations"]!.DeepClone(),
                    ["generatorURL"] = (string)alert["generatorURL"]!,
                    ["startsAt"] = times[$"<TIME:start{i}>"],
                };
                if (resolved)
                {
                    one["endsAt"] = times[$"<TIME:end{i}>"];
                }
                posted.Add(one);
            }
        }
        return posted.ToJsonString();
    }

    private static void Answer(WireMockServer server)
    {
        server.Given(Request.Create().WithPath("/cgi-bin/gettoken").UsingGet())
            .RespondWith(Response.Create().WithBody("""{"errcode":0,"errmsg":"ok","access_token":"ORACLE-WECHAT-ACCESS-TOKEN","expires_in":7200}"""));
        server.Given(Request.Create().WithPath(new WireMock.Matchers.RegexMatcher("/bot.*/sendMessage")).UsingPost())
            .RespondWith(Response.Create().WithBody("""{"ok":true,"result":{"message_id":1,"date":0,"chat":{"id":1,"type":"group"}}}"""));
        server.Given(Request.Create().WithPath("/cgi-bin/message/send").UsingPost()).RespondWith(Response.Create().WithBody("""{"errcode":0,"errmsg":"ok"}"""));
        server.Given(Request.Create().WithPath(new WireMock.Matchers.RegexMatcher("^/(hook|services/.*|v2/.*|integrations/.*|v1/messages|api/webhooks/.*)$")))
            .AtPriority(10)
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("{}"));
    }

    private static string Go(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
