using Alerting.Core.Alerts;
using Alerting.Core.Configuration;
using Alerting.Core.Labels;
using Alerting.Core.Notifications;
using Alerting.Infrastructure;

namespace Alerting.Channels.Http;

/// <summary>
/// One alert group for the tests of the integrations that render their own requests: DiskFull on two instances,
/// firing or resolved, with characters Go's JSON escapes. Also loads one receiver's configuration.
/// </summary>
internal static class AlertSamples
{
    public static readonly DateTimeOffset Now = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);

    public const string GroupKey = "{}:{alertname=\"DiskFull\"}";

    /// <summary>Two alerts, the first critical; resolved ones ended a minute ago.</summary>
    public static NotificationData Data(bool resolved = false, string summary = "Disk <full> & more", int count = 2)
    {
        var alerts = Enumerable.Range(0, count).Select(i => new Alert(
            LabelSet.From(("alertname", "DiskFull"), ("instance", $"db-{i}"), ("severity", i == 0 ? "critical" : "warning")),
            LabelSet.From(("summary", summary)),
            Now.AddMinutes(-10).AddMilliseconds(123),
            resolved ? Now.AddMinutes(-1) : Now.AddMinutes(5),
            "http://prom/graph?g0.expr=up",
            Now,
            false)).ToList();
        return NotificationData.Create("team-x", GroupKey, LabelSet.From(("alertname", "DiskFull")), alerts, "http://am.example", Now);
    }

    public static NotificationRequest Request(NotificationData data, string? reason = "first notification") =>
        new(data.Receiver, data.GroupKey, "", data.Alerts.Count) { Data = data, Reason = reason };

    /// <summary>A configuration with one receiver, <c>r</c>, holding <paramref name="integrations"/> (YAML indented by four).</summary>
    public static AlertingConfig Load(string integrations, string global = "") =>
        TestConfig.Load(Yaml(integrations, global), "alerting.yml");

    /// <summary>The one integration of receiver <c>r</c>.</summary>
    public static T Single<T>(string integrations, string global = "")
        where T : IntegrationConfig => Assert.IsType<T>(Assert.Single(Load(integrations, global).Receivers.Single(r => r.Name == "r").Integrations));

    /// <summary>The errors of a configuration that must not load, as <c>file:line: field: message</c>.</summary>
    public static IReadOnlyList<string> Errors(string integrations, string global = "") =>
        [.. Assert.Throws<ConfigException>(() => Load(integrations, global)).Errors.Select(e => e.ToString())];

    public static string Yaml(string integrations, string global = "") =>
        (global.Length > 0 ? $"global:\n{global}\n" : "") + "route:\n  receiver: r\nreceivers:\n  - name: r\n" + integrations.TrimEnd() + "\n";
}
