using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Alerting.Infrastructure;

namespace Alerting.Api;

/// <summary>Our <c>/api/v2/openapi.json</c> against Alertmanager 0.25's api/v2/openapi.yaml (Resources/, Apache-2.0).</summary>
public sealed class OpenApiTests(OpenApiTests.Documents documents) : IClassFixture<OpenApiTests.Documents>
{
    /// <summary>Where our shapes differ from Alertmanager's on purpose: properties they do not have (never ones missing).</summary>
    private static readonly HashSet<string> s_allowedExtras = new(StringComparer.Ordinal)
    {
        // Who acknowledged the group from a notification link, and when (left out when nobody did).
        "alertGroup.acknowledgement",
    };

    [Fact]
    public void Every_Alertmanager_v2_operation_matches_its_spec()
    {
        var comparison = new OpenApiComparison(documents.Alertmanager, documents.Ours, s_allowedExtras);
        var differences = comparison.Compare();
        Assert.True(differences.Count == 0, "differences from Alertmanager's spec:\n" + string.Join('\n', differences));
        // Every allowed difference is still a difference: the list does not outlive what it excuses.
        Assert.Equal(s_allowedExtras.Order(StringComparer.Ordinal), comparison.ExtrasSeen.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_missing_property_parameter_or_operation_and_an_unexpected_property_are_reported()
    {
        var ours = documents.Ours.DeepClone().AsObject();
        RemoveProperty(ours, "fingerprint");
        AddProperty(ours, "silencedBy", "mutedBy");
        var groups = ours["paths"]!["/api/v2/alerts/groups"]!["get"]!["parameters"]!.AsArray();
        groups.Remove(groups.Single(p => (string?)p!["name"] == "receiver"));
        ours["paths"]!["/api/v2/silence/{silenceID}"]!.AsObject().Remove("delete");

        var differences = new OpenApiComparison(documents.Alertmanager, ours, s_allowedExtras).Compare();

        Assert.Contains("GET /api/v2/alerts response 200[].fingerprint: missing from ours (Alertmanager's gettableAlert.fingerprint)", differences);
        Assert.Contains("GET /api/v2/alerts/groups response 200[].alerts[].fingerprint: missing from ours (Alertmanager's gettableAlert.fingerprint)", differences);
        Assert.Contains(differences, d => d.StartsWith("GET /api/v2/alerts response 200[].status.mutedBy: ours only, not in Alertmanager's alertStatus", StringComparison.Ordinal));
        Assert.Contains("GET /api/v2/alerts/groups query parameter receiver: missing from our operation", differences);
        Assert.Contains("DELETE /api/v2/silence/{silenceID}: missing from our document", differences);
    }

    [Fact]
    public void A_required_response_property_made_optional_is_reported()
    {
        var ours = documents.Ours.DeepClone().AsObject();
        var alert = ours["components"]!["schemas"]!["GettableAlert"]!["required"]!.AsArray();
        alert.Remove(alert.Single(r => (string?)r == "fingerprint"));

        var differences = new OpenApiComparison(documents.Alertmanager, ours, s_allowedExtras).Compare();

        Assert.Contains("GET /api/v2/alerts response 200[].fingerprint: required in Alertmanager's gettableAlert, optional in ours", differences);
    }

    [Fact]
    public void A_changed_type_is_reported()
    {
        var ours = documents.Ours.DeepClone().AsObject();
        foreach (var properties in Properties(ours).Where(p => p.ContainsKey("updatedAt")))
        {
            properties["updatedAt"] = new JsonObject { ["type"] = "integer" };
        }

        var differences = new OpenApiComparison(documents.Alertmanager, ours, s_allowedExtras).Compare();

        Assert.Contains("GET /api/v2/silences response 200[].updatedAt: type string, ours integer", differences);
    }

    [Fact]
    public void Our_additions_are_described()
    {
        var paths = documents.Ours["paths"]!.AsObject();
        foreach (var (path, method) in new[]
        {
            ("/api/v2/history/alerts/{fingerprint}", "get"), ("/api/v2/history/groups", "get"), ("/api/grafana/alerts", "post"),
            ("/api/grafana/alerts/{source}", "put"), ("/api/v2/templates/render", "post"), ("/api/v1/alerts", "get"),
            ("/api/v1/silences", "post"), ("/-/reload", "post"), ("/api/v2/insights", "get"),
        })
        {
            var operation = paths[path]?[method];
            Assert.True(operation is not null, $"{method} {path} is not in the document");
            Assert.False(string.IsNullOrWhiteSpace((string?)operation!["summary"]), $"{method} {path} has no summary");
        }
        Assert.NotNull(paths["/api/v2/templates/render"]!["post"]!["requestBody"]);
        Assert.NotNull(paths["/api/grafana/alerts"]!["post"]!["requestBody"]);
        Assert.False(paths.ContainsKey("/api/v2/openapi.json"));
    }

    [Fact]
    public async Task The_document_needs_read_access_when_authentication_is_on()
    {
        await using var host = await AlertingTestHost.StartAsync(AlertingTestHost.AuthConfig);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Client.GetAsync("api/v2/openapi.json")).StatusCode);
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v2/openapi.json");
        request.Headers.Authorization = new("Bearer", "reader-token");
        var response = await host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }

    private static void RemoveProperty(JsonObject document, string name)
    {
        foreach (var properties in Properties(document))
        {
            properties.Remove(name);
        }
    }

    private static void AddProperty(JsonObject document, string besides, string name)
    {
        foreach (var properties in Properties(document).Where(p => p.ContainsKey(besides)))
        {
            properties[name] = new JsonObject { ["type"] = "string" };
        }
    }

    /// <summary>Every <c>properties</c> object of a schema anywhere in the document.</summary>
    private static List<JsonObject> Properties(JsonNode node)
    {
        var found = new List<JsonObject>();
        void Walk(JsonNode? n)
        {
            switch (n)
            {
                case JsonObject o:
                    foreach (var (key, value) in o.ToList())
                    {
                        if (key == "properties" && value is JsonObject p)
                        {
                            found.Add(p);
                        }
                        Walk(value);
                    }
                    break;
                case JsonArray a:
                    foreach (var item in a)
                    {
                        Walk(item);
                    }
                    break;
            }
        }
        Walk(node);
        return found;
    }

    /// <summary>Alertmanager's spec and our document, fetched once from a running instance.</summary>
    public sealed class Documents : IAsyncLifetime
    {
        public JsonObject Alertmanager { get; private set; } = null!;

        public JsonObject Ours { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            using var stream = typeof(OpenApiTests).Assembly.GetManifestResourceStream("Alerting.Api.alertmanager-0.25-openapi.yaml")!;
            var json = new StringBuilder();
            YamlAsJson.Write(json, await new StreamReader(stream).ReadToEndAsync());
            Alertmanager = JsonNode.Parse(json.ToString())!.AsObject();
            await using var host = await AlertingTestHost.StartAsync();
            Ours = JsonNode.Parse(await host.Client.GetStringAsync("api/v2/openapi.json"))!.AsObject();
        }

        public Task DisposeAsync() => Task.CompletedTask;
    }
}
