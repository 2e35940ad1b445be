using System.Globalization;
using System.Text.Json;
using Alerting.Core.Labels;
using Alerting.Core.Notifications;

namespace Alerting.GoTemplates;

/// <summary>
/// The data <c>amtool template render</c> renders with: its built-in example (cli/template_render.go) or a
/// JSON file in template.Data's layout.
/// </summary>
public static class AmtoolData
{
    /// <summary>amtool's defaultData: two alerts started 5 and 10 minutes before <paramref name="now"/>.</summary>
    public static NotificationData Example(DateTimeOffset now)
    {
        var common = new[] { ("commonlabelkey1", "commonlabelvalue1"), ("commonlabelkey2", "commonlabelvalue2") };
        var commonAnnotations = new[] { ("commonannotationkey1", "commonannotationvalue1"), ("commonannotationkey2", "commonannotationvalue2") };
        var alerts = new[]
        {
            new NotificationAlert(
                "alertstatus",
                LabelSet.From([("label1", "value1"), ("label2", "value2"), ("instance", "foo.bar:1234"), .. common]),
                LabelSet.From([("annotation1", "value1"), ("annotation2", "value2"), .. commonAnnotations]),
                now.AddMinutes(-5),
                now,
                "https://generatorurl.com",
                "fingerprint1"),
            new NotificationAlert(
                "alertstatus",
                LabelSet.From([("foo", "bar"), ("baz", "qux"), .. common]),
                LabelSet.From([("aaa", "bbb"), ("ccc", "ddd"), .. commonAnnotations]),
                now.AddMinutes(-10),
                now,
                "https://generatorurl.com",
                "fingerprint2"),
        };
        return new NotificationData(
            "receiver",
            "alertstatus",
            alerts,
            LabelSet.From(("grouplabelkey1", "grouplabelvalue1"), ("grouplabelkey2", "grouplabelvalue2")),
            LabelSet.From(common),
            LabelSet.From(commonAnnotations),
            "https://example.com",
            "",
            0);
    }

    /// <summary>template.Data from JSON (field names matched case-insensitively, as Go's encoding/json).</summary>
    public static NotificationData FromJson(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var alerts = new List<NotificationAlert>();
        if (Field(root, "alerts") is { ValueKind: JsonValueKind.Array } list)
        {
            foreach (var a in list.EnumerateArray())
            {
                alerts.Add(new NotificationAlert(
                    Text(a, "status"),
                    Labels(a, "labels"),
                    Labels(a, "annotations"),
                    Time(a, "startsAt"),
                    Time(a, "endsAt"),
                    Text(a, "generatorURL"),
                    Text(a, "fingerprint")));
            }
        }
        return new NotificationData(
            Text(root, "receiver"),
            Text(root, "status"),
            alerts,
            Labels(root, "groupLabels"),
            Labels(root, "commonLabels"),
            Labels(root, "commonAnnotations"),
            Text(root, "externalURL"),
            "",
            0);
    }

    private static JsonElement? Field(JsonElement e, string name)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        foreach (var p in e.EnumerateObject())
        {
            if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return p.Value;
            }
        }
        return null;
    }

    private static string Text(JsonElement e, string name) =>
        Field(e, name) is { ValueKind: JsonValueKind.String } s ? s.GetString()! : "";

    private static LabelSet Labels(JsonElement e, string name) =>
        Field(e, name) is { ValueKind: JsonValueKind.Object } o
            ? LabelSet.From(o.EnumerateObject().Select(p => new KeyValuePair<string, string>(p.Name, p.Value.GetString() ?? "")))
            : LabelSet.Empty;

    private static DateTimeOffset Time(JsonElement e, string name) =>
        Field(e, name) is { ValueKind: JsonValueKind.String } s
            ? DateTimeOffset.Parse(s.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind)
            : DateTimeOffset.MinValue;
}
