using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Alerting.Infrastructure;

namespace Alerting.Api;

public sealed class GrafanaApiTests
{
    private const string Payload = """
        {"receiver":"alerting","status":"firing","orgId":1,
         "alerts":[{"status":"firing","labels":{"alertname":"HighCPU","grafana_folder":"Infra","team name":"ops"},
                    "annotations":{"summary":"CPU high"},"startsAt":"2026-11-26T09:00:00Z","endsAt":"0001-01-01T00:00:00Z",
                    "generatorURL":"http://grafana/alerting/grafana/abc/view","fingerprint":"57c6d9296de2ad39",
                    "silenceURL":"http://grafana/alerting/silence/new","dashboardURL":"http://grafana/d/x","panelURL":"http://grafana/d/x?viewPanel=2",
                    "values":null,"valueString":"[ var='B' value=93 ]"}],
         "groupLabels":{"alertname":"HighCPU"},"commonLabels":{"alertname":"HighCPU"},"commonAnnotations":{},
         "externalURL":"http://grafana/","version":"1","groupKey":"{}:{alertname=\"HighCPU\"}","truncatedAlerts":0,
         "title":"[FIRING:1] HighCPU","state":"alerting","message":"...","futureField":{"x":1}}
        """;

    private const string SecuredConfig = AlertingTestHost.DefaultConfig + """

        server:
          grafana:
            sources:
              - name: signed
                hmac_secret: hmac-key
                timestamp_header: X-Grafana-Alerting-Signature-Timestamp
              - name: token
                bearer_token: grafana-token
        """;

    [Fact]
    public async Task Grafana_alert_is_stored_as_ours_and_resolves_ours()
    {
        await using var host = await AlertingTestHost.StartAsync();
        var response = await host.PostJsonAsync("api/grafana/alerts", Payload);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var alert = (await host.GetArrayAsync("api/v2/alerts")).Single()!;
        Assert.Equal("HighCPU", (string)alert["labels"]!["alertname"]!);
        Assert.Equal("ops", (string)alert["labels"]!["team name"]!); // Grafana's free-form name: a valid UTF-8 name
        Assert.Equal("CPU high", (string)alert["annotations"]!["summary"]!);
        Assert.Equal("http://grafana/alerting/grafana/abc/view", (string)alert["generatorURL"]!);

        // Grafana's links are kept for messages.
        await using var conn = new Npgsql.NpgsqlConnection(host.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand("SELECT extra->>'dashboardURL' FROM alerts", conn);
        Assert.Equal("http://grafana/d/x", await cmd.ExecuteScalarAsync());

        var resolved = Payload.Replace("2026-11-26T09:00:00Z", DateTimeOffset.UtcNow.AddHours(-1).ToString("O")).Replace("\"status\":\"firing\",\"labels\"", "\"status\":\"resolved\",\"labels\"")
            .Replace("0001-01-01T00:00:00Z", DateTimeOffset.UtcNow.AddSeconds(-1).ToString("O"));
        var put = new HttpRequestMessage(HttpMethod.Put, "api/grafana/alerts") { Content = new StringContent(resolved, Encoding.UTF8, "application/json") };
        Assert.Equal(HttpStatusCode.OK, (await host.Client.SendAsync(put)).StatusCode);
        Assert.Empty(await host.GetArrayAsync("api/v2/alerts"));
    }

    [Fact]
    public async Task Hmac_signature_with_timestamp_is_checked()
    {
        await using var host = await AlertingTestHost.StartAsync(SecuredConfig);
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(HttpStatusCode.OK, (await SendSigned(host, "api/grafana/alerts/signed", Payload, "hmac-key", ts)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendSigned(host, "api/grafana/alerts/signed", Payload, "wrong-key", ts)).StatusCode);
        // A body changed after signing.
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendSigned(host, "api/grafana/alerts/signed", Payload, "hmac-key", ts, tamper: true)).StatusCode);
        // A replay from an hour ago.
        var old = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendSigned(host, "api/grafana/alerts/signed", Payload, "hmac-key", old)).StatusCode);
        // The bare path accepts any configured source that verifies.
        Assert.Equal(HttpStatusCode.OK, (await SendSigned(host, "api/grafana/alerts", Payload, "hmac-key", ts)).StatusCode);
        // Which source names exist is told only to a caller who passes a check.
        var unknown = await host.PostJsonAsync("api/grafana/alerts/nosuch", Payload);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        Assert.DoesNotContain("nosuch", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await SendSigned(host, "api/grafana/alerts/nosuch", Payload, "hmac-key", ts)).StatusCode);
        // A timestamp past year 9999 (once an overflow and a 500) and one past long's range are refused like any other.
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendSigned(host, "api/grafana/alerts/signed", Payload, "hmac-key", "253402300800")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendSigned(host, "api/grafana/alerts/signed", Payload, "hmac-key", "9223372036854775807")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendSigned(host, "api/grafana/alerts/signed", Payload, "hmac-key", "99999999999999999999")).StatusCode);
    }

    [Fact]
    public async Task Bearer_source_needs_its_token()
    {
        await using var host = await AlertingTestHost.StartAsync(SecuredConfig);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.PostJsonAsync("api/grafana/alerts/token", Payload)).StatusCode);
        var request = new HttpRequestMessage(HttpMethod.Post, "api/grafana/alerts/token") { Content = new StringContent(Payload, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "grafana-token");
        Assert.Equal(HttpStatusCode.OK, (await host.Client.SendAsync(request)).StatusCode);
        Assert.Single(await host.GetArrayAsync("api/v2/alerts"));
    }

    [Fact]
    public async Task Malformed_grafana_payload_is_400_and_stores_nothing()
    {
        await using var host = await AlertingTestHost.StartAsync();
        Assert.Equal(HttpStatusCode.BadRequest, (await host.PostJsonAsync("api/grafana/alerts", """{"alerts":"nope"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await host.PostJsonAsync("api/grafana/alerts", """{"status":"firing"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await host.PostJsonAsync("api/grafana/alerts", "{")).StatusCode);
        Assert.Equal(0, await host.CountAsync("alerts"));
    }

    private static async Task<HttpResponseMessage> SendSigned(AlertingTestHost host, string path, string body, string key, string ts, bool tamper = false)
    {
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(ts + ":" + body)));
        var sent = tamper ? body.Replace("CPU high", "CPU low") : body;
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(sent, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Grafana-Alerting-Signature", signature);
        request.Headers.Add("X-Grafana-Alerting-Signature-Timestamp", ts);
        return await host.Client.SendAsync(request);
    }
}
