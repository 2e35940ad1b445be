using Alerting.Core.Labels;
using Alerting.Core.Notifications;
using Alerting.GoTemplates.Time;
using Alerting.GoTemplates.Values;

namespace Alerting.GoTemplates.Alertmanager;

/// <summary>template.KV over a label set: keys in Go's order, values strings, missing keys "".</summary>
internal sealed class KvMap(LabelSet labels) : GoMap
{
    private string[]? _keys;

    public LabelSet Labels { get; } = labels;

    public override GoType Type => AmTypes.KV;

    public override IReadOnlyList<string> Keys => _keys ??= [.. Labels.Keys];

    public override object? Zero => "";

    public override bool TryGet(string key, out object? value)
    {
        var found = Labels.TryGetValue(key, out var s);
        value = s;
        return found;
    }

    /// <summary>KV.SortedPairs: alertname first, then the other names sorted.</summary>
    public IEnumerable<string> SortedKeys()
    {
        if (Labels.ContainsKey("alertname"))
        {
            yield return "alertname";
        }
        foreach (var key in Keys)
        {
            if (key != "alertname")
            {
                yield return key;
            }
        }
    }

    public GoSlice SortedPairs() => new(AmTypes.Pairs, [.. SortedKeys().Select(k => new PairValue(k, Labels[k]))]);

    public KvMap Remove(IEnumerable<string> names)
    {
        var drop = names.ToHashSet(StringComparer.Ordinal);
        return new KvMap(LabelSet.From(Labels.Where(p => !drop.Contains(p.Key))));
    }
}

/// <summary>template.Pair.</summary>
internal sealed class PairValue(string name, string value) : GoStruct
{
    private static readonly string[] Names = ["Name", "Value"];

    public string Name { get; } = name;

    public string Value { get; } = value;

    public override GoType Type => AmTypes.Pair;

    public override IReadOnlyList<string> FieldNames => Names;

    public override object? Field(int index) => index == 0 ? Name : Value;

    public override bool Equals(object? obj) => obj is PairValue p && p.Name == Name && p.Value == Value;

    public override int GetHashCode() => HashCode.Combine(Name, Value);
}

/// <summary>template.Alert. A firing alert's EndsAt is Go's zero time, as Alertmanager hands it to templates.</summary>
internal sealed class AlertValue(NotificationAlert alert) : GoStruct
{
    private static readonly string[] Names = ["Status", "Labels", "Annotations", "StartsAt", "EndsAt", "GeneratorURL", "Fingerprint"];
    private static readonly string[] Json = ["status", "labels", "annotations", "startsAt", "endsAt", "generatorURL", "fingerprint"];

    private object?[]? _fields;

    public string Status => alert.Status;

    public override GoType Type => AmTypes.Alert;

    public override IReadOnlyList<string> FieldNames => Names;

    public override IReadOnlyList<string> JsonNames => Json;

    public override object? Field(int index) => (_fields ??= Build())[index];

    private object?[] Build() =>
    [
        alert.Status,
        new KvMap(alert.Labels),
        new KvMap(alert.Annotations),
        GoTime.From(alert.StartsAt),
        alert.Status == NotificationStatus.Firing ? GoTime.Zero : GoTime.From(alert.EndsAt),
        alert.GeneratorUrl,
        alert.Fingerprint,
    ];
}

/// <summary>template.Data (Alertmanager 0.25's fields); prometheus-webhook-dingtalk's models.Data adds AtMobiles.</summary>
internal sealed class DataValue : GoStruct
{
    private static readonly string[] Names = ["Receiver", "Status", "Alerts", "GroupLabels", "CommonLabels", "CommonAnnotations", "ExternalURL"];
    private static readonly string[] Json = ["receiver", "status", "alerts", "groupLabels", "commonLabels", "commonAnnotations", "externalURL"];

    private static readonly string[] WebhookNames = [.. Names, "AtMobiles"];
    private static readonly string[] WebhookJson = [.. Json, "AtMobiles"];

    private readonly object?[] _fields;
    private readonly bool _webhook;

    /// <param name="webhookDingtalk">prometheus-webhook-dingtalk's data: AtMobiles too (empty: our DingTalk notifier adds the mentions).</param>
    public DataValue(NotificationData data, bool webhookDingtalk = false)
    {
        AmTypes.EnsureInitialised();
        _webhook = webhookDingtalk;
        _fields =
        [
            data.Receiver,
            data.Status,
            new GoSlice(AmTypes.Alerts, [.. data.Alerts.Select(a => new AlertValue(a))]),
            new KvMap(data.GroupLabels),
            new KvMap(data.CommonLabels),
            new KvMap(data.CommonAnnotations),
            data.ExternalUrl,
            GoSlice.Strings([]),
        ];
    }

    public override GoType Type => _webhook ? AmTypes.WebhookData : AmTypes.Data;

    public override IReadOnlyList<string> FieldNames => _webhook ? WebhookNames : Names;

    public override IReadOnlyList<string> JsonNames => _webhook ? WebhookJson : Json;

    public override object? Field(int index) => _fields[index];
}
