using System.Globalization;
using System.Text.Json.Nodes;
using Alerting.Channels.Http;
using Alerting.Core.Notifications;
using Alerting.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Alerting.Channels;

/// <summary>
/// An alert posted to the API reaches PagerDuty, Opsgenie, VictorOps and SNS through the engine, rendered with
/// Alertmanager's default Go templates, and its resolution closes what it opened, with the same keys.
/// </summary>
public sealed class PagingEndToEndTests
{
    [Fact]
    public async Task Firing_then_resolved_reaches_every_paging_receiver_with_the_same_keys()
    {
        using var server = LoopbackWireMock.Start();
        server.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(202).WithBody("{}"));
        await using var host = await AlertingTestHost.StartAsync($$"""
            global:
              opsgenie_api_key: og-key
              opsgenie_api_url: {{server.Url}}/og
              victorops_api_key: vo-key
              victorops_api_url: {{server.Url}}/vo
            route:
              receiver: paging
              group_by: [alertname]
              group_wait: 0s
              group_interval: 1s
            receivers:
              - name: paging
                pagerduty_configs:
                  - routing_key: pd-key
                    url: {{server.Url}}/pd/v2/enqueue
                opsgenie_configs:
                  - priority: P2
                victorops_configs:
                  - routing_key: route
                sns_configs:
                  - api_url: {{server.Url}}/sns
                    topic_arn: arn:aws:sns:us-east-1:1:alerts
                    sigv4: {region: us-east-1, access_key: AK, secret_key: SK}
            """);
        await host.PostJsonAsync("api/v2/alerts", """[{"labels":{"alertname":"Paging","severity":"critical"},"annotations":{"summary":"pager test"}}]""");
        await Eventually.EqualAsync(4, () => Task.FromResult(server.LogEntries.Count()), TimeSpan.FromSeconds(30));

        var ended = DateTimeOffset.UtcNow.AddSeconds(-1).ToString("O", CultureInfo.InvariantCulture);
        await host.PostJsonAsync("api/v2/alerts", $$"""[{"labels":{"alertname":"Paging","severity":"critical"},"annotations":{"summary":"pager test"},"endsAt":"{{ended}}"}]""");
        await Eventually.EqualAsync(8, () => Task.FromResult(server.LogEntries.Count()), TimeSpan.FromSeconds(30));

        var sent = server.Requests().Select(e => e.RequestMessage).ToList();
        var hash = GroupKeyHash.Hash("{}:{alertname=\"Paging\"}");
        var pd = sent.Where(r => r.Path == "/pd/v2/enqueue").Select(r => JsonNode.Parse(r.Body!)!).ToList();
        Assert.Equal(["trigger", "resolve"], pd.Select(e => (string)e["event_action"]!));
        Assert.All(pd, e => Assert.Equal(hash, (string)e["dedup_key"]!));
        Assert.Equal("[FIRING:1] Paging (critical)", (string)pd[0]["payload"]!["summary"]!);
        Assert.Equal("[RESOLVED] Paging (critical)", (string)pd[1]["payload"]!["summary"]!);

        Assert.Equal(["/og/v2/alerts", $"/og/v2/alerts/{hash}/close"], sent.Where(r => r.Path.StartsWith("/og/", StringComparison.Ordinal)).Select(r => r.Path));
        var create = JsonNode.Parse(sent.First(r => r.Path == "/og/v2/alerts").Body!)!;
        Assert.Equal(("[FIRING:1] Paging (critical)", "P2"), ((string)create["message"]!, (string)create["priority"]!));
        Assert.StartsWith("pager test\nAlerts Firing:\nLabels:\n - alertname = Paging\n", (string)create["description"]!);

        var vo = sent.Where(r => r.Path == "/vo/vo-key/route").Select(r => JsonNode.Parse(r.Body!)!).ToList();
        Assert.Equal(["CRITICAL", "RECOVERY"], vo.Select(e => (string)e["message_type"]!));
        Assert.All(vo, e => Assert.Equal(hash, (string)e["entity_id"]!));

        var sns = sent.Where(r => r.Path == "/sns/").ToList();
        Assert.Equal(2, sns.Count);
        Assert.Contains("Subject=%5BFIRING%3A1%5D+Paging+%28critical%29", sns[0].Body, StringComparison.Ordinal);
        Assert.Contains("Subject=%5BRESOLVED%5D+Paging+%28critical%29", sns[1].Body, StringComparison.Ordinal);
    }
}
