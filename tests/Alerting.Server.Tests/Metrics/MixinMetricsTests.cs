using System.Text.RegularExpressions;
using Alerting.Infrastructure;
using Alerting.Versioning;
using Xunit.Abstractions;

namespace Alerting.Metrics;

/// <summary>
/// /metrics answers what the Alertmanager mixin (doc/alertmanager-mixin: alerts.libsonnet, dashboards/overview.libsonnet)
/// and our own rules read: after one notification, every series it selects is there with the labels it groups by.
/// docs/operations.md lists the mixin's queries and which of them work.
/// </summary>
public sealed partial class MixinMetricsTests(ITestOutputHelper output)
{
    /// <summary>Metric name and the labels the mixin's queries select, group or ignore by (beyond job and instance).</summary>
    public static readonly TheoryData<string, string[]> MixinSeries = new()
    {
        { "alertmanager_config_last_reload_successful", [] },          // AlertmanagerFailedReload
        { "alertmanager_config_hash", [] },                            // AlertmanagerConfigInconsistent
        { "alertmanager_notifications_total", ["integration"] },       // AlertmanagerFailedToSendAlerts, ClusterFailedToSendAlerts, dashboard
        { "alertmanager_notifications_failed_total", ["integration", "reason"] },
        { "alertmanager_notification_latency_seconds_bucket", ["integration", "le"] }, // dashboard: Notification Duration
        { "alertmanager_notification_latency_seconds_sum", ["integration"] },
        { "alertmanager_notification_latency_seconds_count", ["integration"] },
        { "alertmanager_alerts", ["state"] },                          // dashboard: Alerts, and its variables' label_values
        { "alertmanager_alerts_received_total", ["status"] },          // dashboard: Alerts receive rate
        { "alertmanager_alerts_invalid_total", [] },
        { "process_start_time_seconds", [] },                          // AlertmanagerClusterCrashlooping
        { "alertmanager_cluster_members", [] },                        // AlertmanagerMembersInconsistent
        { "alertmanager_build_info", ["version", "revision", "branch", "goversion"] },
    };

    [Theory]
    [MemberData(nameof(MixinSeries))]
    public async Task The_mixin_series_are_exported_after_one_notification(string name, string[] labels)
    {
        var scrape = await ScrapeAfterOneNotificationAsync();
        var series = scrape.Series(name);
        Assert.True(series.Count > 0, $"{name} is missing from /metrics");
        Assert.Contains(series, s => labels.All(s.ContainsKey));
    }

    [Fact]
    public async Task The_notification_is_counted_under_its_integration_and_the_others_start_at_zero()
    {
        var scrape = await ScrapeAfterOneNotificationAsync();
        Assert.Equal(1, scrape.Value("alertmanager_notifications_total", ("integration", "webhook")));
        Assert.Equal(1, scrape.Value("alertmanager_notification_latency_seconds_count", ("integration", "webhook")));
        Assert.Equal(1, scrape.Value("alertmanager_config_last_reload_successful"));
        // As Alertmanager: every integration's counters exist from the start, so a first failure is a rise from 0.
        Assert.Equal(0, scrape.Value("alertmanager_notifications_total", ("integration", "slack")));
        Assert.Equal(0, scrape.Value("alertmanager_notifications_failed_total", ("integration", "webhook"), ("reason", "serverError")));
    }

    [Fact]
    public async Task Build_info_process_and_runtime_metrics_are_exported()
    {
        var scrape = await ScrapeAfterOneNotificationAsync();
        var build = BuildInfo.Current;
        Assert.Equal(1, scrape.Value("alertmanager_build_info", ("version", build.Version), ("revision", build.Revision),
            ("branch", build.Branch), ("goversion", $"dotnet{Environment.Version}")));
        Assert.Equal(BuildInfoTests.ProjectVersion(), build.Version);
        var started = scrape.Value("process_start_time_seconds");
        Assert.InRange(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - started, 0, 3600);
        Assert.True(scrape.Value("process_cpu_seconds_total") > 0);
        Assert.True(scrape.Value("process_resident_memory_bytes") > 10_000_000);
        Assert.True(scrape.Value("process_open_fds") > 0);
        Assert.True(scrape.Value("process_max_fds") >= scrape.Value("process_open_fds"));
        // The .NET runtime's meter (System.Runtime), named by prometheus-net's meter adapter: GC and thread pool.
        Assert.Contains(scrape.Series("system_runtime_dotnet_gc_collections"), s => s.ContainsKey("gc_heap_generation"));
        Assert.True(scrape.Value("system_runtime_dotnet_thread_pool_thread_count") > 0);
        Assert.NotEmpty(scrape.Series("dotnet_collection_count_total"));
    }

    [Fact]
    public async Task Cluster_members_are_the_instances_with_a_fresh_heartbeat_and_there_are_no_gossip_peers()
    {
        var scrape = await ScrapeAfterOneNotificationAsync();
        // This instance's heartbeat row: one member. Instances share PostgreSQL instead of gossiping, so
        // AlertmanagerClusterFailedPeers has nothing to read (docs/operations.md).
        Assert.Equal(1, scrape.Value("alertmanager_cluster_members"));
        Assert.Empty(scrape.Series("alertmanager_cluster_failed_peers"));
    }

    [Fact]
    public void Operations_page_lists_every_series()
    {
        var page = File.ReadAllText(Path.Combine(TestEnvironment.RepositoryRoot, "docs", "operations.md"));
        foreach (var name in MixinSeries.Select(row => (string)row[0]))
        {
            Assert.Contains(Regex.Replace(name, "_(bucket|sum|count)$", ""), page, StringComparison.Ordinal);
        }
    }

    private static Scrape? s_scrape;
    private static readonly SemaphoreSlim s_lock = new(1, 1);

    /// <summary>One instance, one alert, one webhook notification, then /metrics: shared by the tests of this class.</summary>
    private async Task<Scrape> ScrapeAfterOneNotificationAsync()
    {
        await s_lock.WaitAsync();
        try
        {
            if (s_scrape is null)
            {
                using var sink = new WebhookSink();
                await using var host = await AlertingTestHost.StartAsync(TestConfig.Webhook(sink.Url()));
                await host.PostJsonAsync("api/v2/alerts", """[{"labels":{"alertname":"Mixin"}}]""");
                await sink.WaitForAsync(1);
                await Eventually.EqualAsync(true, async () => Scrape.Parse(await host.Client.GetStringAsync("metrics")) is var s
                    && s.Sum("alertmanager_notification_latency_seconds_count", ("integration", "webhook")) == 1
                    && s.Sum("alertmanager_cluster_members") == 1);
                var text = await host.Client.GetStringAsync("metrics");
                output.WriteLine(text);
                s_scrape = Scrape.Parse(text);
            }
            return s_scrape;
        }
        finally
        {
            s_lock.Release();
        }
    }
}
