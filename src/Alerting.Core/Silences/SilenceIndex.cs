using Alerting.Core.Labels;
using Alerting.Core.Matching;

namespace Alerting.Core.Silences;

/// <summary>
/// Silences keyed by one of their <c>name="value"</c> matchers, so that an alert is tried only against the silences
/// that could match it: with 1k silences and 100k alerts, checking every pair cost seconds per API read.
/// </summary>
public sealed class SilenceIndex
{
    private readonly Dictionary<(string Name, string Value), List<int>> _byEquality = [];
    private readonly List<int> _unkeyed = [];
    private readonly Silence[] _silences;

    public SilenceIndex(IEnumerable<Silence> silences)
    {
        _silences = [.. silences];
        for (var i = 0; i < _silences.Length; i++)
        {
            // An empty value also matches a missing label, so it cannot be a key.
            var key = _silences[i].Matchers.FirstOrDefault(m => m.Type == Core.Matching.MatchType.Equal && m.Value.Length > 0);
            if (key is null)
            {
                _unkeyed.Add(i);
            }
            else if (_byEquality.TryGetValue((key.Name, key.Value), out var list))
            {
                list.Add(i);
            }
            else
            {
                _byEquality[(key.Name, key.Value)] = [i];
            }
        }
    }

    public int Count => _silences.Length;

    /// <summary>The silences whose matchers all match <paramref name="labels"/>, in the order they were given.</summary>
    public IReadOnlyList<Silence> Matching(LabelSet labels)
    {
        // Most alerts match no silence: nothing is allocated for them (reads of 20k alerts call this 20k times).
        List<int>? found = null;
        foreach (var i in _unkeyed)
        {
            if (_silences[i].Matchers.Matches(labels))
            {
                (found ??= []).Add(i);
            }
        }
        if (_byEquality.Count > 0)
        {
            foreach (var (name, value) in labels)
            {
                if (!_byEquality.TryGetValue((name, value), out var candidates))
                {
                    continue;
                }
                foreach (var i in candidates)
                {
                    if (_silences[i].Matchers.Matches(labels))
                    {
                        (found ??= []).Add(i);
                    }
                }
            }
        }
        if (found is null)
        {
            return [];
        }
        found.Sort();
        var result = new Silence[found.Count];
        for (var k = 0; k < result.Length; k++)
        {
            result[k] = _silences[found[k]];
        }
        return result;
    }
}
