using Alerting.Core.Alerts;
using Alerting.Core.Labels;

namespace Alerting.Core.Inhibition;

/// <summary>
/// Decides which alerts are inhibited, indexed by each rule's <c>equal</c> labels: a target looks up
/// only the sources that share its equal-label values, instead of scanning every pair as Alertmanager does.
/// Build one per evaluation from the current firing alerts; it is immutable afterwards.
/// </summary>
public sealed class Inhibitor
{
    private readonly RuleIndex[] _rules;

    public Inhibitor(IReadOnlyList<InhibitRule> rules, IEnumerable<Alert> alerts, DateTimeOffset now)
    {
        _rules = [.. rules.Select(r => new RuleIndex(r))];
        if (_rules.Length == 0)
        {
            return;
        }
        foreach (var alert in alerts)
        {
            if (alert.Resolved(now))
            {
                continue; // only firing alerts inhibit
            }
            foreach (var rule in _rules)
            {
                rule.AddSource(alert.Labels);
            }
        }
    }

    /// <summary>The fingerprint of one alert inhibiting <paramref name="labels"/>, or null when none does.</summary>
    public ulong? InhibitedBy(LabelSet labels)
    {
        foreach (var rule in _rules)
        {
            var by = rule.InhibitedBy(labels);
            if (by is not null)
            {
                return by;
            }
        }
        return null;
    }

    private sealed class RuleIndex(InhibitRule rule)
    {
        // Per equal-label key: any source, and a source that does not also match the target side.
        private readonly Dictionary<string, (ulong Any, ulong? SourceOnly)> _sources = new(StringComparer.Ordinal);

        public void AddSource(LabelSet labels)
        {
            if (!rule.SourceMatchers.Matches(labels))
            {
                return;
            }
            var key = Key(labels);
            var sourceOnly = rule.TargetMatchers.Matches(labels) ? (ulong?)null : labels.Fingerprint;
            if (_sources.TryGetValue(key, out var existing))
            {
                _sources[key] = (existing.Any, existing.SourceOnly ?? sourceOnly);
            }
            else
            {
                _sources[key] = (labels.Fingerprint, sourceOnly);
            }
        }

        public ulong? InhibitedBy(LabelSet target)
        {
            if (_sources.Count == 0 || !rule.TargetMatchers.Matches(target))
            {
                return null;
            }
            if (!_sources.TryGetValue(Key(target), out var found))
            {
                return null;
            }
            // An alert matching both sides cannot be inhibited by another alert matching both sides.
            return rule.SourceMatchers.Matches(target) ? found.SourceOnly : found.Any;
        }

        // A missing label equals an empty one (Get returns ""). Length prefixes keep keys of several labels
        // unambiguous; one label's value is its own key (no string built for each of 20k alerts read).
        private string Key(LabelSet labels)
        {
            if (rule.Equal.Count == 1)
            {
                return labels.Get(rule.Equal[0]);
            }
            var key = new System.Runtime.CompilerServices.DefaultInterpolatedStringHandler(0, 0);
            foreach (var name in rule.Equal)
            {
                var value = labels.Get(name);
                key.AppendFormatted(value.Length);
                key.AppendLiteral(":");
                key.AppendLiteral(value);
            }
            return key.ToStringAndClear();
        }
    }
}
