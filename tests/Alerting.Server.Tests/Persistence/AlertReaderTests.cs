using System.Text.Json.Nodes;
using Alerting.Core.Labels;
using Alerting.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Alerting.Persistence;

public sealed class AlertReaderTests
{
    [Fact]
    public async Task Stored_labels_and_annotations_read_back_whole_from_jsonb()
    {
        await using var host = await AlertingTestHost.StartAsync();
        // Longer than the reader's first buffer (1 KiB), with characters jsonb stores escaped or as several UTF-8 bytes.
        var description = string.Concat(Enumerable.Repeat("磁盘 \"/data\" 已满\\n ", 300));
        var alerts = new JsonArray(
            new JsonObject
            {
                ["labels"] = new JsonObject { ["alertname"] = "DiskFull", ["instance"] = "node-1:9100", ["team"] = "存储" },
                ["annotations"] = new JsonObject { ["summary"] = "short", ["description"] = description },
            },
            new JsonObject { ["labels"] = new JsonObject { ["alertname"] = "Quiet" } });
        var response = await host.PostJsonAsync("/api/v2/alerts", alerts.ToJsonString());
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());

        var reader = host.Server.Services.GetRequiredService<AlertReader>();
        var active = await reader.ActiveAsync(DateTimeOffset.UtcNow, CancellationToken.None);
        var full = Assert.Single(active, a => a.Alert.Labels.Get("alertname") == "DiskFull").Alert;
        Assert.Equal(LabelSet.From(("alertname", "DiskFull"), ("instance", "node-1:9100"), ("team", "存储")), full.Labels);
        Assert.Equal(LabelSet.From(("description", description), ("summary", "short")), full.Annotations);
        var quiet = Assert.Single(active, a => a.Alert.Labels.Get("alertname") == "Quiet").Alert;
        Assert.Same(LabelSet.Empty, quiet.Annotations);

        var one = await reader.OneAsync(full.Labels.Fingerprint, CancellationToken.None);
        Assert.Equal(full.Annotations, one!.Alert.Annotations);
    }
}
