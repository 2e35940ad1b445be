using System.Text.Json.Nodes;
using Alerting.Channels.Http;
using Alerting.Channels;
using Alerting.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Alerting.Browser;

/// <summary>
/// A real instance with a DingTalk robot (WireMock.Net) as its only receiver, one alert posted, and the
/// actionCard message the robot received: its buttons carry the signed action links, exactly as sent.
/// </summary>
internal sealed class DingTalkMessage : IAsyncDisposable
{
    /// <summary>The group's labels (group_by: [alertname, cluster]): what a silence from a link matches.</summary>
    public static readonly IReadOnlyDictionary<string, string> GroupLabels = new Dictionary<string, string>
    {
        ["alertname"] = "DiskFull",
        ["cluster"] = "eu1",
    };

    // A long instance label and mount point: the pages must wrap them on a phone rather than scroll sideways.
    private const string Alert = """
        [{"labels": {"alertname": "DiskFull", "cluster": "eu1", "severity": "critical",
                     "instance": "db-1.eu1.internal.example.com:9100", "mountpoint": "/var/lib/postgresql/data/pg_wal_archive"},
          "annotations": {"summary": "Disk /var/lib/postgresql/data is 97% full on db-1",
                          "description": "Only 3 GB left; PostgreSQL stops accepting writes when it is full."}}]
        """;

    private DingTalkMessage(WireMockServer robot, AlertingTestHost host, JsonObject body)
    {
        Robot = robot;
        Host = host;
        Body = body;
        var card = body["actionCard"]!;
        Text = (string)card["text"]!;
        Buttons = card["btns"]!.AsArray().ToDictionary(b => (string)b!["title"]!, b => (string)b!["actionURL"]!);
    }

    public WireMockServer Robot { get; }

    public AlertingTestHost Host { get; }

    /// <summary>The JSON the notifier POSTed to the robot.</summary>
    public JsonObject Body { get; }

    /// <summary>The actionCard's markdown text.</summary>
    public string Text { get; }

    /// <summary>The actionCard's buttons: title → actionURL.</summary>
    public IReadOnlyDictionary<string, string> Buttons { get; }

    public string View => Buttons["View"];

    public string Silence1h => Buttons["Silence 1h"];

    public string Silence24h => Buttons["Silence 24h"];

    public string Acknowledge => Buttons["Acknowledge"];

    public static async Task<DingTalkMessage> ReceiveAsync()
    {
        var robot = LoopbackWireMock.Start();
        robot.Given(Request.Create().WithPath("/robot/send").UsingPost())
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody("""{"errcode":0,"errmsg":"ok"}"""));
        AlertingTestHost? host = null;
        try
        {
            host = await StartAsync($$"""
                route:
                  receiver: oncall
                  group_by: [alertname, cluster]
                  group_wait: 0s
                receivers:
                  - name: oncall
                    dingtalk_configs:
                      - url: {{robot.Url}}/robot/send?access_token=t0ken
                        secret: SEC0123456789
                        message_type: actionCard
                """);
            var posted = await host.PostJsonAsync("api/v2/alerts", Alert);
            Assert.True(posted.IsSuccessStatusCode, $"POST api/v2/alerts: {(int)posted.StatusCode}");
            await Eventually.EqualAsync(true, () => Task.FromResult(robot.LogEntries.Any()), TimeSpan.FromSeconds(20));
            var body = JsonNode.Parse(robot.LogEntries.First().RequestMessage.Body!)!.AsObject();
            Assert.Equal("actionCard", (string)body["msgtype"]!);
            return new DingTalkMessage(robot, host, body);
        }
        catch
        {
            if (host is not null)
            {
                await host.DisposeAsync();
            }
            robot.Stop();
            robot.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Starts the instance on a port known in advance, with that port as its external URL, so the links in the
    /// message point at it and the browser follows them unchanged.
    /// </summary>
    private static async Task<AlertingTestHost> StartAsync(string config)
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = TestEnvironment.FreeLoopbackPort();
            try
            {
                return await AlertingTestHost.StartAsync(config, options: o => o with
                {
                    ListenAddress = $"127.0.0.1:{port}",
                    ExternalUrl = $"http://127.0.0.1:{port}",
                });
            }
            catch (IOException) when (attempt < 3)
            {
                // Another test took the port between our probe and the bind: try another one.
            }
        }
    }

    /// <summary>The silences the API lists, as a person or amtool would see them.</summary>
    public async Task<JsonArray> SilencesAsync() => await Host.GetArrayAsync("api/v2/silences");

    /// <summary>The group's key, as the API and the history use it.</summary>
    public Task<string> GroupKeyAsync() => Host.ScalarAsync<string>("SELECT group_key FROM aggregation_groups");

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        Robot.Stop();
        Robot.Dispose();
    }
}
