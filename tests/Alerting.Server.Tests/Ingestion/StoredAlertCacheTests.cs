using Alerting.Core.Alerts;
using Alerting.Core.Labels;
using Alerting.Persistence;

namespace Alerting.Ingestion;

public sealed class StoredAlertCacheTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 7, 1, 0, 0, TimeSpan.Zero);

    private static StoredAlert Stored(string summary, string url = "http://prometheus/graph", string source = "api", string? extra = null) =>
        new(new Alert(LabelSet.From(("alertname", "Down")), LabelSet.From(("summary", summary)), At, At.AddHours(1), url, At, false), source, extra);

    [Fact]
    public void The_content_hash_follows_annotations_url_source_and_extra()
    {
        var longText = new string('中', 300) + "end";
        var hash = StoredAlertCache.ContentHash(Stored("disk full"));
        Assert.Equal(hash, StoredAlertCache.ContentHash(Stored("disk full")));
        UInt128[] others =
        [
            StoredAlertCache.ContentHash(Stored("disk ful")),
            StoredAlertCache.ContentHash(Stored("disk full", url: "http://prometheus/graph2")),
            StoredAlertCache.ContentHash(Stored("disk full", source: "grafana")),
            StoredAlertCache.ContentHash(Stored("disk full", extra: "")),
            StoredAlertCache.ContentHash(Stored("disk full", extra: "{}")),
            // Text past the stack buffer is hashed whole: a change at its end counts.
            StoredAlertCache.ContentHash(Stored(longText)),
            StoredAlertCache.ContentHash(Stored(longText[..^1] + "E")),
            // Where one text ends and the next begins counts too.
            StoredAlertCache.ContentHash(Stored("disk", url: " fullhttp://prometheus/graph")),
        ];
        Assert.Equal(others.Length + 1, others.Append(hash).Distinct().Count());
        Assert.Equal(StoredAlertCache.ContentHash(Stored(longText)), StoredAlertCache.ContentHash(Stored(new string('中', 300) + "end")));
    }
}
