using Alerting.Core.Alerts;
using Alerting.Core.Labels;
using Alerting.Core.Notifications;
using Alerting.Templating;

namespace Alerting.Channels.Email;

internal static class EmailTestData
{
    public static readonly DateTimeOffset Now = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static readonly ActionLinks TestLinks = new(
        "https://alerting.test/action/view?t=v",
        "https://alerting.test/action/silence?t=1h",
        "https://alerting.test/action/silence?t=4h",
        "https://alerting.test/action/silence?t=24h",
        "https://alerting.test/action/ack?t=a");

    public static Alert Alert(LabelSet labels, LabelSet? annotations = null, bool resolved = false, string generatorUrl = "http://prometheus.test/graph?g0.expr=up") =>
        new(labels, annotations ?? LabelSet.Empty, Now.AddMinutes(-30), resolved ? Now.AddMinutes(-1) : Now.AddHours(1), generatorUrl, Now, false);

    /// <summary>Two firing DiskFull alerts in eu1, grouped by alertname.</summary>
    public static NotificationData Data(params Alert[] alerts)
    {
        if (alerts.Length == 0)
        {
            alerts =
            [
                Alert(LabelSet.From(("alertname", "DiskFull"), ("cluster", "eu1"), ("severity", "critical"), ("instance", "db-1")),
                    LabelSet.From(("summary", "Disk almost full"), ("description", "95% used"))),
                Alert(LabelSet.From(("alertname", "DiskFull"), ("cluster", "eu1"), ("severity", "critical"), ("instance", "db-2"))),
            ];
        }
        var groupLabels = LabelSet.From(("alertname", alerts[0].Labels.Get("alertname")));
        return NotificationData.Create("team-a", "{}:{alertname=\"DiskFull\"}", groupLabels, alerts, "https://alerting.test", Now);
    }

    public static NotificationRequest Request(NotificationData? data = null, ActionLinks? links = null) =>
        new("team-a", "{}:{alertname=\"DiskFull\"}", "{}", 2) { Data = data ?? Data(), Links = links ?? TestLinks };

    public static EmailConfig Config(string smarthost, bool requireTls = false) => new()
    {
        To = "oncall@example.test",
        From = "Alerting <alerting@example.test>",
        Hello = "alerting.example.test",
        Smarthost = smarthost,
        RequireTls = requireTls,
    };

    public const string Password = "s3cr3t-Pa55word";

    public static void AssertSuccess(SendResult result) => Assert.True(result.Outcome == SendOutcome.Success, $"{result.Outcome}: {result.Error}");

    /// <summary>The notifier as the tests use it: the default renderer, a 5 s timeout unless given.</summary>
    public static EmailNotifier Notifier(EmailConfig config, TimeSpan? timeout = null, TimeProvider? time = null) =>
        new(config, EmailRenderer.Default, time ?? TimeProvider.System, timeout ?? TimeSpan.FromSeconds(5));
}
