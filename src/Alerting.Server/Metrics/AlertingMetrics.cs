using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Alerting.Core.Configuration;
using Prometheus;

namespace Alerting.Metrics;

/// <summary>
/// The service's metrics, under Alertmanager's names where the meaning is the same, so existing
/// dashboards and alert rules keep working. One registry per running instance (tests run several).
/// </summary>
internal sealed class AlertingMetrics : IDisposable
{
    private IDisposable? _runtimeListener;

    public AlertingMetrics()
    {
        Registry = Prometheus.Metrics.NewCustomRegistry();
        Factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        AlertsReceived = Factory.CreateCounter("alertmanager_alerts_received_total", "The total number of received alerts.", ["status"]);
        AlertsInvalid = Factory.CreateCounter("alertmanager_alerts_invalid_total", "The total number of received alerts that were invalid.");
        Alerts = Factory.CreateGauge("alertmanager_alerts", "How many alerts by state.", ["state"]);
        Silences = Factory.CreateGauge("alertmanager_silences", "How many silences by state.", ["state"]);
        ConfigHash = Factory.CreateGauge("alertmanager_config_hash", "Hash of the currently loaded alertmanager configuration.");
        ConfigReloadSuccessful = Factory.CreateGauge("alertmanager_config_last_reload_successful", "Whether the last configuration reload attempt was successful.");
        ConfigReloadTimestamp = Factory.CreateGauge("alertmanager_config_last_reload_success_timestamp_seconds", "Timestamp of the last successful configuration reload.");
        RegexTimeouts = Factory.CreateCounter("alerting_regex_timeouts_total", "Regex matches cut off by the match timeout (counted as no match).");
        RegexBudgetExceeded = Factory.CreateCounter("alerting_regex_budget_exceeded_total", "Requests refused (400) and silence passes cut short because their regexes ran past the budget.");
        StoreFailures = Factory.CreateCounter("alerting_store_unavailable_total", "Requests refused because PostgreSQL could not be reached.");
        IngestLimited = Factory.CreateCounter("alerting_ingest_limited_total", "Alert posts refused with 429 by the per-source rate or the concurrency limits.");
        Notifications = Factory.CreateCounter("alertmanager_notifications_total", "The total number of attempted notifications.", ["integration"]);
        NotificationsFailed = Factory.CreateCounter("alertmanager_notifications_failed_total", "The total number of failed notifications.", ["integration", "reason"]);
        NotificationRequests = Factory.CreateCounter("alertmanager_notification_requests_total", "The total number of attempted notification requests.", ["integration"]);
        NotificationRequestsFailed = Factory.CreateCounter("alertmanager_notification_requests_failed_total", "The total number of failed notification requests.", ["integration"]);
        NotificationLatency = Factory.CreateHistogram("alertmanager_notification_latency_seconds", "The latency of notifications in seconds.",
            new HistogramConfiguration { LabelNames = ["integration"], Buckets = [0.005, 0.05, 0.5, 1, 5, 10, 15, 20] });
        // Not gossip peers: the instances whose heartbeat in the shared database is fresh, this one included. Each
        // instance counts the same rows, so the mixin's AlertmanagerMembersInconsistent fires when one that Prometheus
        // scrapes has stopped writing its heartbeat.
        ClusterMembers = Factory.CreateGauge("alertmanager_cluster_members", "Number of cluster members (instances with a fresh heartbeat in the shared database).");
        AggregationGroups = Factory.CreateGauge("alertmanager_dispatcher_aggregation_groups", "Number of active aggregation groups.");
        DispatcherFlushes = Factory.CreateCounter("alerting_dispatcher_flushes_total", "Group flushes run by this instance.");
        OutboxDepth = Factory.CreateGauge("alerting_outbox_depth", "Notifications decided but not yet delivered.");
        OutboxOldestAge = Factory.CreateGauge("alerting_outbox_oldest_age_seconds", "Age of the oldest undelivered notification.");
        TemplateFailures = Factory.CreateCounter("alerting_template_failures_total", "Templates that failed to parse or render; the message fell back to the default.", ["template"]);
        Registry.AddBeforeCollectCallback(() =>
        {
            RegexTimeouts.IncTo(Core.Matching.Matcher.RegexTimeouts);
            RegexBudgetExceeded.IncTo(Core.Matching.RegexBudget.Exceeded);
        });
        RuntimeMetrics.RegisterBuildInfo(Factory, Versioning.BuildInfo.Current);
        RuntimeMetrics.RegisterProcess(Registry, Factory);
        // Alertmanager exports both label values from the start.
        AlertsReceived.WithLabels("firing");
        AlertsReceived.WithLabels("resolved");
    }

    public CollectorRegistry Registry { get; }

    public IMetricFactory Factory { get; }

    public Counter AlertsReceived { get; }

    public Counter AlertsInvalid { get; }

    public Gauge Alerts { get; }

    public Gauge Silences { get; }

    public Gauge ConfigHash { get; }

    public Gauge ConfigReloadSuccessful { get; }

    public Gauge ConfigReloadTimestamp { get; }

    public Counter RegexTimeouts { get; }

    public Counter RegexBudgetExceeded { get; }

    public Counter StoreFailures { get; }

    public Counter IngestLimited { get; }

    public Counter Notifications { get; }

    public Counter NotificationsFailed { get; }

    public Counter NotificationRequests { get; }

    public Counter NotificationRequestsFailed { get; }

    public Histogram NotificationLatency { get; }

    public Gauge ClusterMembers { get; }

    public Gauge AggregationGroups { get; }

    public Counter DispatcherFlushes { get; }

    public Gauge OutboxDepth { get; }

    public Gauge OutboxOldestAge { get; }

    public Counter TemplateFailures { get; }

    /// <summary>
    /// Alertmanager exports every integration's notification counters from the start, so that the mixin's failure
    /// ratio (failed / total, by integration) sees the first failure as a rise from zero.
    /// </summary>
    public void InitializeIntegrations(IEnumerable<string> integrations)
    {
        foreach (var integration in integrations)
        {
            Notifications.WithLabels(integration);
            NotificationRequests.WithLabels(integration);
            NotificationRequestsFailed.WithLabels(integration);
            NotificationsFailed.WithLabels(integration, "clientError");
            NotificationsFailed.WithLabels(integration, "serverError");
        }
    }

    /// <summary>Exports the .NET runtime's meter (dotnet_*) from now until this is disposed: the service's, not tools'.</summary>
    public void ListenToRuntime() => _runtimeListener ??= RuntimeMetrics.ListenToRuntime(Registry, Factory);

    public void Dispose() => _runtimeListener?.Dispose();

    public void ConfigLoaded(AlertingConfig config, bool success, DateTimeOffset at)
    {
        ConfigReloadSuccessful.Set(success ? 1 : 0);
        if (success)
        {
            ConfigHash.Set(HashAsMetricValue(config.Original));
            ConfigReloadTimestamp.Set(at.ToUnixTimeSeconds());
        }
    }

    /// <summary>Alertmanager's md5HashAsMetricValue: the first 48 bits of the MD5, so the value fits a float64 exactly.</summary>
    internal static double HashAsMetricValue(string original)
    {
#pragma warning disable CA5351 // Not security: Alertmanager-compatible config fingerprint.
        var sum = MD5.HashData(Encoding.UTF8.GetBytes(original));
#pragma warning restore CA5351
        Span<byte> bytes = stackalloc byte[8];
        sum.AsSpan(0, 6).CopyTo(bytes);
        return BinaryPrimitives.ReadUInt64LittleEndian(bytes);
    }
}
