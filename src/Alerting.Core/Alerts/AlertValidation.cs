using Alerting.Core.Matching;
using Alerting.Core.Labels;

namespace Alerting.Core.Alerts;

/// <summary>Size limits for what senders may post; configurable under <c>server.limits</c>.</summary>
public sealed record InputLimits(
    int MaxLabelsPerAlert = 128,
    int MaxLabelNameLength = 256,
    int MaxLabelValueLength = 16 * 1024,
    int MaxAnnotationValueLength = 64 * 1024,
    int MaxAlertsPerRequest = 10_000)
{
    public static readonly InputLimits Default = new();
}

/// <summary>Alertmanager's Alert.Validate plus our size limits. Returns the problems, empty when valid.</summary>
public static class AlertValidation
{
    public static List<string> Validate(
        IReadOnlyList<KeyValuePair<string, string>> labels,
        IReadOnlyList<KeyValuePair<string, string>> annotations,
        DateTimeOffset startsAt,
        DateTimeOffset endsAt,
        InputLimits limits,
        MatcherSyntax syntax,
        string generatorUrl = "")
    {
        var errors = new List<string>();
        if (!LabelName.IsValidText(generatorUrl))
        {
            errors.Add("invalid generatorURL: not valid UTF-8 or contains a NUL character");
        }
        if (startsAt == default)
        {
            errors.Add("start time missing");
        }
        if (endsAt != default && endsAt < startsAt)
        {
            errors.Add("start time must be before end time");
        }
        if (labels.Count(l => l.Value.Length > 0) == 0)
        {
            errors.Add("at least one label pair required");
        }
        if (labels.Count > limits.MaxLabelsPerAlert)
        {
            errors.Add($"too many labels: {labels.Count} (limit {limits.MaxLabelsPerAlert})");
        }
        CheckPairs(labels, "label", limits.MaxLabelValueLength, limits, syntax, errors);
        CheckPairs(annotations, "annotation", limits.MaxAnnotationValueLength, limits, syntax, errors);
        return errors;
    }

    private static void CheckPairs(
        IReadOnlyList<KeyValuePair<string, string>> pairs, string what, int maxValue, InputLimits limits, MatcherSyntax syntax, List<string> errors)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, value) in pairs)
        {
            if (name.Length > limits.MaxLabelNameLength)
            {
                errors.Add($"{what} name too long: {name.Length} characters (limit {limits.MaxLabelNameLength})");
            }
            else if (!syntax.IsValidLabelName(name) || name.Contains('\0', StringComparison.Ordinal))
            {
                // Classic names in classic mode, else any UTF-8 (as Alertmanager 0.27+); never NUL, which PostgreSQL cannot store.
                errors.Add($"invalid {what} name {GoQuote.Quote(name)}");
            }
            if (!seen.Add(name))
            {
                errors.Add($"duplicate {what} name \"{name}\"");
            }
            if (value.Length > maxValue)
            {
                errors.Add($"{what} \"{Short(name)}\" value too long: {value.Length} characters (limit {maxValue})");
            }
            else if (!LabelName.IsValidValue(value))
            {
                errors.Add($"invalid {what} value for \"{Short(name)}\": not valid UTF-8");
            }
            else if (!LabelName.IsValidText(value))
            {
                errors.Add($"invalid {what} value for \"{Short(name)}\": contains a NUL character");
            }
        }
    }

    private static string Short(string s) => s.Length <= 64 ? s : s[..64] + "…";
}
