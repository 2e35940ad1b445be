using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Alerting.Infrastructure;

namespace Alerting.Api;

/// <summary>
/// The requests Grafana makes to an Alertmanager data source with <c>implementation: prometheus</c>
/// (deploy/grafana/provisioning/datasources/alerting.yml), as Grafana's source makes them:
/// <list type="bullet">
/// <item>"Save &amp; test" (public/app/plugins/datasource/alertmanager/DataSource.ts testDatasource):
/// GET /api/v1/status/buildinfo (feature discovery; any error means "not Mimir"), then
/// GET /alertmanager/api/v2/status, which must NOT answer 200 (else Grafana reports a Mimir endpoint), then
/// GET /api/v2/status, which must answer 200.</item>
/// <item>The alerting UI goes through Grafana's proxy (pkg/services/ngalert/api/lotex_am.go, the "prometheus"
/// endpoint table), which keeps the browser's query string: GET /api/v2/status (configuration page),
/// GET /api/v2/alerts with repeated filter=, silenced, active, inhibited (alertmanagerApi.ts),
/// GET /api/v2/alerts/groups with filter=, receiver (alertmanagerApi.ts), GET /api/v2/silences and
/// GET /api/v2/silence/{id} with ruleMetadata and accesscontrol (alertSilencesApi.ts; meant for Grafana's
/// own Alertmanager, forwarded anyway), POST /api/v2/silences with Content-Type application/json and
/// Go's encoding of PostableSilence, DELETE /api/v2/silence/{id}.</item>
/// </list>
/// The answers are checked for the fields Grafana's decoders (apimodels.GettableAlerts, AlertGroups,
/// GettableSilences, PostSilencesOKBody, ExternalAlertmanagerStatus) and its UI read.
/// </summary>
public sealed class GrafanaAlertmanagerDatasourceTests
{
    // Grafana's backend marshals silences with Go's encoding/json: keys in field order, strfmt.DateTime times.
    private static string GoSilence(DateTimeOffset start, DateTimeOffset end, string? id = null) =>
        "{" + (id is null ? "" : $"\"id\":\"{id}\",")
        + $"\"comment\":\"Created in Grafana\",\"createdBy\":\"admin\",\"endsAt\":\"{end.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fff}Z\","
        + "\"matchers\":[{\"isEqual\":true,\"isRegex\":false,\"name\":\"alertname\",\"value\":\"DiskFull\"}],"
        + $"\"startsAt\":\"{start.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fff}Z\"}}";

    private static async Task<HttpResponseMessage> PostSilenceAsGrafanaAsync(AlertingTestHost host, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v2/silences")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        return await host.Client.SendAsync(request);
    }

    [Fact]
    public async Task Save_and_test_finds_a_Prometheus_Alertmanager()
    {
        await using var host = await AlertingTestHost.StartAsync();

        var buildInfo = await host.Client.GetAsync("api/v1/status/buildinfo");
        // Grafana reads data.application only from a 2xx JSON answer; anything else means "not Mimir".
        if (buildInfo.IsSuccessStatusCode)
        {
            var application = JsonNode.Parse(await buildInfo.Content.ReadAsStringAsync())?["data"]?["application"];
            Assert.NotEqual("Grafana Mimir", (string?)application);
        }

        var mimir = await host.Client.GetAsync("alertmanager/api/v2/status");
        Assert.NotEqual(HttpStatusCode.OK, mimir.StatusCode);

        var status = await host.GetObjectAsync("api/v2/status");
        Assert.Contains("route:", (string)status["config"]!["original"]!);
        Assert.NotNull((string?)status["cluster"]!["status"]);
        Assert.NotNull((string?)status["versionInfo"]!["version"]);
        Assert.True(DateTimeOffset.TryParse((string)status["uptime"]!, out _));
    }

    [Fact]
    public async Task Alert_list_and_groups_answer_the_UI_queries()
    {
        await using var host = await AlertingTestHost.StartAsync();
        var posted = await host.PostJsonAsync("api/v2/alerts", """
            [{"labels":{"alertname":"DiskFull","severity":"warning","instance":"a"},"annotations":{"summary":"disk"},"generatorURL":"http://prom/graph"},
             {"labels":{"alertname":"DiskFull","severity":"warning","instance":"b"}},
             {"labels":{"alertname":"DbDown","team":"db"}}]
            """);
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);

        // The alert list page: matchers as encodeMatcher writes them, repeated, and all three state flags.
        var alerts = await host.GetArrayAsync(
            "api/v2/alerts?filter=alertname%3D%22DiskFull%22&filter=instance%3D~%22a%7Cb%22&silenced=true&active=true&inhibited=true");
        Assert.Equal(2, alerts.Count);
        var a = alerts.Single(x => (string)x!["labels"]!["instance"]! == "a")!;
        Assert.Equal("disk", (string)a["annotations"]!["summary"]!);
        Assert.Equal("http://prom/graph", (string)a["generatorURL"]!);
        Assert.Equal("active", (string)a["status"]!["state"]!);
        Assert.Empty(a["status"]!["silencedBy"]!.AsArray());
        Assert.Empty(a["status"]!["inhibitedBy"]!.AsArray());
        Assert.Equal("default", (string)a["receivers"]![0]!["name"]!);
        Assert.Matches("^[0-9a-f]{16}$", (string)a["fingerprint"]!);
        foreach (var time in new[] { "startsAt", "endsAt", "updatedAt" })
        {
            Assert.True(DateTimeOffset.TryParse((string)a[time]!, out _), time);
        }

        // The groups view, narrowed to one contact point.
        var groups = await host.GetArrayAsync("api/v2/alerts/groups?filter=alertname%3D%22DbDown%22&receiver=db&active=true&silenced=false&inhibited=false");
        var group = Assert.Single(groups)!;
        Assert.Equal("db", (string)group["receiver"]!["name"]!);
        Assert.Equal("DbDown", (string)group["labels"]!["alertname"]!);
        Assert.Equal("DbDown", (string)group["alerts"]![0]!["labels"]!["alertname"]!);
        Assert.Empty(await host.GetArrayAsync("api/v2/alerts/groups?receiver=nobody"));
    }

    [Fact]
    public async Task Silences_are_created_listed_and_expired_as_Grafana_does()
    {
        await using var host = await AlertingTestHost.StartAsync();
        await host.PostJsonAsync("api/v2/alerts", """[{"labels":{"alertname":"DiskFull","instance":"a"}}]""");
        var now = DateTimeOffset.UtcNow;

        var created = await PostSilenceAsGrafanaAsync(host, GoSilence(now.AddSeconds(-1), now.AddHours(2)));
        var createdBody = await created.Content.ReadAsStringAsync();
        Assert.True(created.StatusCode == HttpStatusCode.OK, createdBody);
        var id = (string)JsonNode.Parse(createdBody)!["silenceID"]!;

        // The silences page and the silence editor, with the parameters meant for Grafana's own Alertmanager.
        var listed = Assert.Single(await host.GetArrayAsync("api/v2/silences?ruleMetadata=true&accesscontrol=true"))!;
        Assert.Equal(id, (string)listed["id"]!);
        Assert.Equal("active", (string)listed["status"]!["state"]!);
        Assert.Equal("admin", (string)listed["createdBy"]!);
        Assert.Equal("Created in Grafana", (string)listed["comment"]!);
        var matcher = listed["matchers"]![0]!;
        Assert.Equal(("alertname", "DiskFull", false, true),
            ((string)matcher["name"]!, (string)matcher["value"]!, (bool)matcher["isRegex"]!, (bool)matcher["isEqual"]!));
        foreach (var time in new[] { "startsAt", "endsAt", "updatedAt" })
        {
            Assert.True(DateTimeOffset.TryParse((string)listed[time]!, out _), time);
        }
        var one = await host.GetObjectAsync($"api/v2/silence/{id}?ruleMetadata=true&accesscontrol=true");
        Assert.Equal(id, (string)one["id"]!);

        // The alert list shows the silence on the alert.
        var silenced = Assert.Single(await host.GetArrayAsync("api/v2/alerts?filter=alertname%3D%22DiskFull%22&silenced=true"))!;
        Assert.Equal("suppressed", (string)silenced["status"]!["state"]!);
        Assert.Equal(id, (string)silenced["status"]!["silencedBy"]![0]!);

        // Editing posts the same body with the id.
        var edited = await PostSilenceAsGrafanaAsync(host, GoSilence(now.AddSeconds(-1), now.AddHours(3), id));
        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        var editedId = (string)JsonNode.Parse(await edited.Content.ReadAsStringAsync())!["silenceID"]!;

        // "Expire": Grafana's messageExtractor takes any 2xx body.
        var expired = await host.Client.DeleteAsync($"api/v2/silence/{editedId}");
        Assert.Equal(HttpStatusCode.OK, expired.StatusCode);
        Assert.Equal("expired", (string)(await host.GetObjectAsync($"api/v2/silence/{editedId}"))["status"]!["state"]!);
        var again = Assert.Single(await host.GetArrayAsync("api/v2/alerts?filter=alertname%3D%22DiskFull%22"))!;
        Assert.Equal("active", (string)again["status"]!["state"]!);
    }
}
