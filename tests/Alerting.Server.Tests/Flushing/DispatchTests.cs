using System.Net;
using Alerting.Infrastructure;

namespace Alerting.Flushing;

public sealed class DispatchTests
{
    private static string Config(WebhookSink sink, string groupWait = "0s", string groupInterval = "1s", string repeat = "1h", string extra = "") =>
        TestConfig.Webhook(sink.Url(), groupWait: groupWait, groupInterval: groupInterval, repeat: repeat, extra: extra);

    [Fact]
    public async Task Alert_reaches_the_webhook_with_Alertmanagers_payload_and_resolves()
    {
        using var sink = new WebhookSink();
        await using var host = await AlertingTestHost.StartAsync(Config(sink));
        Assert.Equal(HttpStatusCode.OK, (await host.PostJsonAsync("api/v2/alerts",
            """[{"labels":{"alertname":"Disk","instance":"db-1"},"annotations":{"summary":"full"},"generatorURL":"http://prom/x"}]""")).StatusCode);

        var first = (await sink.WaitForAsync(1))[0];
        Assert.Equal("4", (string)first["version"]!);
        Assert.Equal("firing", (string)first["status"]!);
        Assert.Equal("hook", (string)first["receiver"]!);
        Assert.Equal("{}:{alertname=\"Disk\"}", (string)first["groupKey"]!);
        Assert.Equal("Disk", (string)first["groupLabels"]!["alertname"]!);
        var alert = first["alerts"]![0]!;
        Assert.Equal("firing", (string)alert["status"]!);
        Assert.Equal("0001-01-01T00:00:00Z", (string)alert["endsAt"]!);
        Assert.Equal("full", (string)first["commonAnnotations"]!["summary"]!);
        Assert.Equal("http://prom/x", (string)alert["generatorURL"]!);

        // The alert is now firing (notified) in its lifecycle.
        await Eventually.EqualAsync("firing", () => host.ScalarAsync<string>("SELECT state FROM alerts"));

        await host.PostJsonAsync("api/v2/alerts", $$"""[{"labels":{"alertname":"Disk","instance":"db-1"},"endsAt":"{{DateTimeOffset.UtcNow.AddSeconds(-1):O}}"}]""");
        var second = (await sink.WaitForAsync(2))[1];
        Assert.True((string)second["status"]! == "resolved", await host.ScalarAsync<string>("SELECT string_agg(at::text || ' ' || outcome || ' ' || reason, E'\n' ORDER BY id) FROM notification_attempts")
            + "\n" + await host.ScalarAsync<string>("SELECT string_agg(at::text || ' ' || event || ' ' || coalesce(detail,''), E'\n' ORDER BY id) FROM alert_events"));
        Assert.Equal("resolved", (string)second["alerts"]![0]!["status"]!);
        Assert.NotEqual("0001-01-01T00:00:00Z", (string)second["alerts"]![0]!["endsAt"]!);

        // Nothing more: the group is done once the resolution was delivered.
        await Task.Delay(2500);
        Assert.Equal(2, sink.Delivered().Count);
        Assert.Equal(0, await host.CountAsync("aggregation_groups"));
    }
}
