namespace Alerting.Core.Configuration;

/// <summary>Steps of the receivers that copy Alertmanager's: yaml.v2's defaults, and its "one of" rules.</summary>
internal static partial class ConfigValues
{
    /// <summary>The string, or <paramref name="defaultValue"/> when the key is absent; "" for <c>key:</c> with nothing after it.</summary>
    public static string StringOr(this MapReader r, string key, string defaultValue) =>
        r.String(key) ?? (r.Keys.Contains(key) ? "" : defaultValue);

    /// <summary>The boolean, or <paramref name="defaultValue"/> when the key is absent; false for <c>key:</c> with nothing after it.</summary>
    public static bool BoolOr(this MapReader r, string key, bool defaultValue) =>
        r.OptionalBool(key) ?? (r.Keys.Contains(key) && r.Take(key) is null ? false : defaultValue);

    /// <summary>Exactly one of two keys, with Alertmanager's messages (webhook_url / webhook_url_file and the like).</summary>
    public static void ExactlyOne(this MapReader r, string a, string b)
    {
        var hasA = r.Has(a);
        var hasB = r.Has(b);
        if (!hasA && !hasB)
        {
            r.Error($"one of {a} or {b} must be configured");
        }
        else if (hasA && hasB)
        {
            r.Error(b, $"at most one of {a} & {b} must be configured");
        }
    }
}
