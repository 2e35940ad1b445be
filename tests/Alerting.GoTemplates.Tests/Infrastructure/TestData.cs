using Alerting.Core.Labels;
using Alerting.Core.Notifications;

namespace Alerting.GoTemplates.Infrastructure;

/// <summary>Notification data for the engine's tests: one firing and one resolved alert by default.</summary>
public static class TestData
{
    public static readonly DateTimeOffset Start = new(2024, 3, 5, 14, 7, 9, TimeSpan.Zero);

    public static NotificationAlert Alert(string status, string instance, DateTimeOffset? start = null) => new(
        status,
        LabelSet.From(("alertname", "HighLatency"), ("instance", instance), ("severity", "critical")),
        LabelSet.From(("summary", "Latency <high> & rising")),
        start ?? Start,
        (start ?? Start).AddMinutes(15),
        "http://prometheus/graph",
        "a1b2c3d4e5f60718");

    public static NotificationData Data(params NotificationAlert[] alerts)
    {
        if (alerts.Length == 0)
        {
            alerts = [Alert("firing", "api-1"), Alert("resolved", "api-2")];
        }
        return new NotificationData(
            "team",
            alerts.Any(a => a.IsFiring) ? "firing" : "resolved",
            alerts,
            LabelSet.From(("alertname", "HighLatency")),
            LabelSet.From(("alertname", "HighLatency"), ("severity", "critical")),
            LabelSet.From(("summary", "Latency <high> & rising")),
            "http://am.example.com",
            "{}:{alertname=\"HighLatency\"}",
            0);
    }
}
