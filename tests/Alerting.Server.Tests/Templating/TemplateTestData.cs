using Alerting.Core.Labels;
using Alerting.Core.Notifications;
using Alerting.Metrics;
using Microsoft.Extensions.Logging.Abstractions;

namespace Alerting.Templating;

/// <summary>Notifications to render: firing, resolved and mixed groups, at a fixed moment.</summary>
internal static class TemplateTestData
{
    public static readonly DateTimeOffset Now = new(2025, 5, 1, 12, 30, 0, TimeSpan.Zero);

    public const string ExternalUrl = "http://alerting.example:9093";

    public static NotificationData Firing() => Data(
        Alert("DiskFull", "db-1", firing: true, summary: "Disk /data is 97% full"),
        Alert("DiskFull", "db-3", firing: true, summary: "Disk /data is 95% full"));

    public static NotificationData Resolved() => Data(Alert("DiskFull", "db-2", firing: false, summary: "Disk /data is 91% full"));

    public static NotificationData Mixed() => Data(
        Alert("DiskFull", "db-1", firing: true, summary: "Disk /data is 97% full"),
        Alert("DiskFull", "db-2", firing: false, summary: "Disk /data is 91% full"));

    public static NotificationData Scenario(string name) => name switch
    {
        "firing" => Firing(),
        "resolved" => Resolved(),
        "mixed" => Mixed(),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    public static NotificationAlert Alert(string alertname, string instance, bool firing, string summary, string? description = null, params (string, string)[] extra) => new(
        firing ? NotificationStatus.Firing : NotificationStatus.Resolved,
        LabelSet.From([("alertname", alertname), ("cluster", "eu1"), ("instance", instance), ("severity", "critical"), .. extra]),
        LabelSet.From(("summary", summary), ("description", description ?? $"{instance} needs attention")),
        Now.AddMinutes(-30),
        firing ? Now.AddMinutes(5) : Now.AddMinutes(-5),
        "http://prometheus:9090/graph?g0.expr=disk_free",
        LabelSet.From(("alertname", alertname), ("instance", instance)).FingerprintHex);

    public static NotificationData Data(params NotificationAlert[] alerts)
    {
        var common = alerts.Skip(1).Aggregate(alerts[0].Labels, (c, a) => LabelSet.From(c.Where(p => a.Labels.Get(p.Key) == p.Value)));
        var commonAnnotations = alerts.Skip(1).Aggregate(alerts[0].Annotations, (c, a) => LabelSet.From(c.Where(p => a.Annotations.Get(p.Key) == p.Value)));
        return new NotificationData(
            "ops",
            alerts.Any(a => a.IsFiring) ? NotificationStatus.Firing : NotificationStatus.Resolved,
            alerts,
            LabelSet.From(("alertname", alerts[0].Labels.Get("alertname"))),
            common,
            commonAnnotations,
            ExternalUrl,
            "{}:{alertname=\"DiskFull\"}",
            0);
    }

    public static TemplateModel Model(NotificationData data, string language = "en", string? timeZone = null, IReadOnlyDictionary<string, GrafanaLinks>? grafana = null) =>
        TemplateModel.Create(data, ActionLinks.Placeholder(ExternalUrl), Now, language, TemplateModel.FindTimeZone(timeZone), grafana);

    public static TemplateRenderer Renderer(AlertingMetrics metrics, TemplateOptions? options = null) =>
        new(metrics, NullLogger<TemplateRenderer>.Instance, Channels.ChannelRegistry.Templates, options);

    public static double Failures(AlertingMetrics metrics, string name) => metrics.TemplateFailures.WithLabels(name).Value;
}
