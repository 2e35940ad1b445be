using Alerting.GoTemplates.Time;
using Alerting.GoTemplates.Values;

namespace Alerting.GoTemplates.Alertmanager;

/// <summary>
/// The types of Alertmanager's template package (0.25 names; Names and Values return 0.34's Strings, which
/// adds Join), with their methods.
/// </summary>
internal static class AmTypes
{
    public static readonly GoType Pair = new("template.Pair", GoKind.Struct, named: true);
    public static readonly GoType Pairs = new("template.Pairs", GoKind.Slice, named: true, underlying: "[]template.Pair", elem: Pair, comparable: false);
    public static readonly GoType Strings = new("template.Strings", GoKind.Slice, named: true, underlying: "[]string", elem: GoTypes.String, comparable: false);
    public static readonly GoType KV = new("template.KV", GoKind.Map, named: true, underlying: "map[string]string", elem: GoTypes.String, comparable: false);
    public static readonly GoType Alert = new("template.Alert", GoKind.Struct, named: true, comparable: false);
    public static readonly GoType AlertSlice = new("[]template.Alert", GoKind.Slice, named: false, elem: Alert, comparable: false);
    public static readonly GoType Alerts = new("template.Alerts", GoKind.Slice, named: true, underlying: "[]template.Alert", elem: Alert, comparable: false);
    public static readonly GoType Data = new("template.Data", GoKind.Struct, named: true, comparable: false);
    public static readonly GoType WebhookData = new("models.Data", GoKind.Struct, named: true, comparable: false);

    static AmTypes()
    {
        Pairs
            .Method("Names", GoSignature.Of(), (r, _) => StringsOf(((GoSlice)r).Items.Select(p => ((PairValue)p!).Name)))
            .Method("Values", GoSignature.Of(), (r, _) => StringsOf(((GoSlice)r).Items.Select(p => ((PairValue)p!).Value)));
        Strings.Method("Join", GoSignature.Of(GoTypes.String), (r, a) => string.Join((string)a[0]!, ((GoSlice)r).Items.Cast<string>()));
        KV
            .Method("SortedPairs", GoSignature.Of(), (r, _) => ((KvMap)r).SortedPairs())
            .Method("Names", GoSignature.Of(), (r, _) => StringsOf(((KvMap)r).SortedKeys()))
            .Method("Values", GoSignature.Of(), (r, _) => StringsOf(((KvMap)r).SortedKeys().Select(k => ((KvMap)r).Labels[k])))
            .Method("Remove", GoSignature.Of(GoTypes.StringSlice), (r, a) => ((KvMap)r).Remove(((GoSlice)a[0]!).Items.Cast<string>()));
        Alerts
            .Method("Firing", GoSignature.Of(), (r, _) => WithStatus((GoSlice)r, "firing"))
            .Method("Resolved", GoSignature.Of(), (r, _) => WithStatus((GoSlice)r, "resolved"));
    }

    public static GoSlice StringsOf(IEnumerable<string> items) => new(Strings, [.. items]);

    private static GoSlice WithStatus(GoSlice alerts, string status) =>
        new(AlertSlice, [.. alerts.Items.Where(a => ((AlertValue)a!).Status == status)]);

    /// <summary>Forces the method tables of the types and of time.Time to be registered.</summary>
    public static void EnsureInitialised() => _ = (GoTime.TimeType, GoDuration.DurationType);
}
