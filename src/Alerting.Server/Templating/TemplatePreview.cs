using System.Globalization;
using System.Text.Json;
using Alerting.Core.Labels;
using Alerting.Core.Notifications;

namespace Alerting.Templating;

/// <summary>Preview input that cannot be rendered: the reason, for the caller to fix.</summary>
internal sealed class TemplateInputException(string message) : Exception(message);

/// <summary>
/// What the CLI and the HTTP preview share: sample data (an Alertmanager webhook payload, version 4, or a
/// bare list of alerts) turned into a <see cref="TemplateModel"/>, and the template to render.
/// </summary>
internal static class TemplatePreview
{
    /// <summary>Used when no data is given: one firing and one resolved alert, one of them from Grafana.</summary>
    public const string ExamplePayload = """
        {
          "receiver": "ops",
          "status": "firing",
          "alerts": [
            {
              "status": "firing",
              "labels": {"alertname": "DiskFull", "cluster": "eu1", "instance": "db-1", "severity": "critical"},
              "annotations": {"summary": "Disk /data is 97% full", "description": "Only 3 GB left on /data; writes fail when it is full."},
              "startsAt": "2025-05-01T12:00:00Z",
              "endsAt": "0001-01-01T00:00:00Z",
              "generatorURL": "http://prometheus:9090/graph?g0.expr=disk_free",
              "dashboardURL": "http://grafana:3000/d/disk",
              "panelURL": "http://grafana:3000/d/disk?viewPanel=2",
              "valueString": "[ var='A' value=97 ]"
            },
            {
              "status": "resolved",
              "labels": {"alertname": "DiskFull", "cluster": "eu1", "instance": "db-2", "severity": "critical"},
              "annotations": {"summary": "Disk /data is 91% full", "description": "Only 9 GB left on /data."},
              "startsAt": "2025-05-01T11:40:00Z",
              "endsAt": "2025-05-01T12:05:00Z",
              "generatorURL": "http://prometheus:9090/graph?g0.expr=disk_free"
            }
          ],
          "groupLabels": {"alertname": "DiskFull"},
          "commonLabels": {"alertname": "DiskFull", "cluster": "eu1", "severity": "critical"},
          "commonAnnotations": {},
          "externalURL": "http://alerting:9093",
          "version": "4",
          "groupKey": "{}:{alertname=\"DiskFull\"}",
          "truncatedAlerts": 0
        }
        """;

    /// <summary>The moment the example data is rendered at.</summary>
    public static readonly DateTimeOffset ExampleNow = new(2025, 5, 1, 12, 25, 0, TimeSpan.Zero);

    /// <summary>The template to preview: <paramref name="text"/> when given (as template <paramref name="name"/>, if any), else the one in use for <paramref name="name"/>.</summary>
    public static ScribanSource Source(TemplateRenderer renderer, string? text, string? name, string? language, string path)
    {
        if (name is not null && !renderer.Names.Contains(name))
        {
            throw new TemplateInputException($"unknown template name \"{name}\"; known: {string.Join(", ", renderer.Names)}");
        }
        if (text is not null)
        {
            // The name decides the escaping (HTML for email.html, Slack's for slack.*); plain text without one.
            return ScribanSource.Parse(name ?? "preview", language, path, text, isDefault: false);
        }
        if (name is null)
        {
            throw new TemplateInputException("give a template (Scriban text) or the name of one");
        }
        return renderer.Find(name, language) ?? throw new TemplateInputException($"no template {name} is installed");
    }

    /// <summary>The model for sample data; placeholder action links point at the data's external URL.</summary>
    public static TemplateModel Model(JsonElement? data, string? language, string? timeZone, DateTimeOffset now, string externalUrl)
    {
        TimeZoneInfo zone;
        try
        {
            zone = TemplateModel.FindTimeZone(timeZone);
        }
        catch (TimeZoneNotFoundException)
        {
            throw new TemplateInputException($"unknown time zone \"{timeZone}\" (use an IANA name such as Asia/Shanghai)");
        }
        JsonElement json;
        if (data is { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) } given)
        {
            json = given;
        }
        else
        {
            using var doc = JsonDocument.Parse(ExamplePayload);
            json = doc.RootElement.Clone();
            // The example always renders the same: its firing alert has fired for 25 minutes.
            now = ExampleNow;
        }
        NotificationData notification;
        IReadOnlyDictionary<string, GrafanaLinks> grafana;
        try
        {
            (notification, grafana) = Parse(json, now, externalUrl);
        }
        catch (InvalidOperationException)
        {
            // JsonElement refuses to read an escaped lone surrogate ("\ud800") as a string.
            throw new TemplateInputException("data holds text that is not valid UTF-16 (an unpaired surrogate escape)");
        }
        return TemplateModel.Create(notification, ActionLinks.Placeholder(notification.ExternalUrl), now, language, zone, grafana);
    }

    /// <summary>Reads a webhook payload or a list of alerts; fields that are missing are derived as Alertmanager would.</summary>
    internal static (NotificationData Data, IReadOnlyDictionary<string, GrafanaLinks> Grafana) Parse(JsonElement json, DateTimeOffset now, string externalUrl)
    {
        JsonElement alertsJson;
        JsonElement? payload = null;
        if (json.ValueKind == JsonValueKind.Array)
        {
            alertsJson = json;
        }
        else if (json.ValueKind == JsonValueKind.Object && json.TryGetProperty("alerts", out var a) && a.ValueKind == JsonValueKind.Array)
        {
            alertsJson = a;
            payload = json;
        }
        else
        {
            throw new TemplateInputException("data must be a webhook payload (an object with \"alerts\") or a list of alerts");
        }

        var alerts = new List<NotificationAlert>();
        var grafana = new Dictionary<string, GrafanaLinks>(StringComparer.Ordinal);
        var i = 0;
        foreach (var item in alertsJson.EnumerateArray())
        {
            var where = $"alerts[{i++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw new TemplateInputException($"{where}: must be an object");
            }
            var labels = Pairs(item, "labels", where);
            var startsAt = Time(item, "startsAt", where) ?? now;
            var endsAt = Time(item, "endsAt", where);
            var status = Text(item, "status") is { } s && s is NotificationStatus.Firing or NotificationStatus.Resolved ? s
                : endsAt is { } end && end <= now ? NotificationStatus.Resolved : NotificationStatus.Firing;
            var fingerprint = Text(item, "fingerprint") ?? labels.FingerprintHex;
            alerts.Add(new NotificationAlert(status, labels, Pairs(item, "annotations", where), startsAt, endsAt ?? default, Text(item, "generatorURL") ?? "", fingerprint));
            if (GrafanaLinks.From(item) is { } links)
            {
                grafana[fingerprint] = links;
            }
        }

        LabelSet? Given(string name) => payload is { } p && p.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? Pairs(p, name, name) : null;
        var data = new NotificationData(
            (payload is { } p1 ? Text(p1, "receiver") : null) ?? "preview",
            alerts.Any(a => a.IsFiring) ? NotificationStatus.Firing : NotificationStatus.Resolved,
            alerts,
            Given("groupLabels") ?? LabelSet.Empty,
            Given("commonLabels") ?? Common(alerts.Select(a => a.Labels)),
            Given("commonAnnotations") ?? Common(alerts.Select(a => a.Annotations)),
            (payload is { } p2 ? Text(p2, "externalURL") : null) ?? externalUrl,
            (payload is { } p3 ? Text(p3, "groupKey") : null) ?? "{}:{}",
            payload is { } p4 && p4.TryGetProperty("truncatedAlerts", out var t) && t.ValueKind == JsonValueKind.Number && t.TryGetInt32(out var truncated)
                ? Math.Max(0, truncated)
                : 0);
        return (data, grafana);
    }

    private static LabelSet Common(IEnumerable<LabelSet> sets)
    {
        LabelSet? common = null;
        foreach (var set in sets)
        {
            common = common is null ? set : LabelSet.From(common.Where(p => set.Get(p.Key) == p.Value));
        }
        return common ?? LabelSet.Empty;
    }

    private static LabelSet Pairs(JsonElement parent, string name, string where)
    {
        if (!parent.TryGetProperty(name, out var o) || o.ValueKind == JsonValueKind.Null)
        {
            return LabelSet.Empty;
        }
        if (o.ValueKind != JsonValueKind.Object)
        {
            throw new TemplateInputException($"{where}.{name}: must be an object of names and values");
        }
        return LabelSet.From(o.EnumerateObject()
            .DistinctBy(p => p.Name)
            .Select(p => new KeyValuePair<string, string>(p.Name, p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText())));
    }

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s ? s : null;

    /// <summary>A time, or null when missing or Go's zero time (Alertmanager's "not set").</summary>
    private static DateTimeOffset? Time(JsonElement e, string name, string where)
    {
        if (Text(e, name) is not { } text)
        {
            return null;
        }
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            throw new TemplateInputException($"{where}.{name}: \"{text}\" is not an RFC 3339 time");
        }
        return time.UtcDateTime == DateTime.MinValue ? null : time.ToUniversalTime();
    }
}
