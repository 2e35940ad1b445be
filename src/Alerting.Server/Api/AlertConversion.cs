using Alerting.Core.Alerts;
using Alerting.Core.Labels;
using Alerting.Core.Matching;

namespace Alerting.Api;

/// <summary>Turns posted alerts into domain alerts with Alertmanager's defaults and validation.</summary>
internal static class AlertConversion
{
    /// <summary>
    /// Alertmanager's rules: a missing startsAt becomes now (or endsAt when only that is given);
    /// a missing endsAt becomes now + resolve_timeout and is marked as a timeout end.
    /// </summary>
    public static Alert? ToAlert(
        IReadOnlyDictionary<string, string?>? labels,
        IReadOnlyDictionary<string, string?>? annotations,
        DateTimeOffset? startsAt,
        DateTimeOffset? endsAt,
        string? generatorUrl,
        DateTimeOffset now,
        TimeSpan resolveTimeout,
        InputLimits limits,
        MatcherSyntax syntax,
        List<string> errors)
    {
        var labelPairs = Pairs(labels);
        var annotationPairs = Pairs(annotations);
        var start = Normalize(startsAt);
        var end = Normalize(endsAt);
        if (start == default)
        {
            start = end == default ? now : end;
        }
        var timeout = false;
        if (end == default)
        {
            timeout = true;
            end = now + resolveTimeout;
        }

        var problems = AlertValidation.Validate(labelPairs, annotationPairs, start, end, limits, syntax, generatorUrl ?? "");
        if (problems.Count > 0)
        {
            errors.AddRange(problems);
            return null;
        }
        return new Alert(
            LabelSet.From(labelPairs),
            LabelSet.From(annotationPairs),
            start,
            end,
            generatorUrl ?? "",
            now,
            timeout);
    }

    /// <summary>Go's zero time (0001-01-01T00:00:00Z) means "not set", as in Alertmanager.</summary>
    public static DateTimeOffset Normalize(DateTimeOffset? t) =>
        t is not { } value || value.UtcDateTime == DateTime.MinValue ? default : value.ToUniversalTime();

    private static List<KeyValuePair<string, string>> Pairs(IReadOnlyDictionary<string, string?>? dict) =>
        dict is null ? [] : [.. dict.Select(kv => new KeyValuePair<string, string>(kv.Key, kv.Value ?? ""))];
}
