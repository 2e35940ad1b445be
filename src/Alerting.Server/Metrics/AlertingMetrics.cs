using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Alerting.Configuration;
using Prometheus;

namespace Alerting.Metrics;

/// <summary>
/// The service's metrics, under Alertmanager's names where the meaning is the same, so existing
/// dashboards and alert rules keep working. One registry per running instance (tests run several).
/// </summary>
internal sealed class AlertingMetrics
{
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
        StoreFailures = Factory.CreateCounter("alerting_store_unavailable_total", "Requests refused because PostgreSQL could not be reached.");
        Registry.AddBeforeCollectCallback(() => RegexTimeouts.IncTo(Matching.Matcher.RegexTimeouts));
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

    public Counter StoreFailures { get; }

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
