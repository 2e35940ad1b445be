using System.Collections;
using Alerting.Core.Labels;

namespace Alerting.Core.Matching;

/// <summary>A conjunction of matchers: all must match.</summary>
public sealed class Matchers(IReadOnlyList<Matcher> items) : IReadOnlyList<Matcher>
{
    public static readonly Matchers None = new([]);

    private readonly Matcher[] _items = [.. items];

    public Matcher this[int index] => _items[index];

    public int Count => _items.Length;

    public bool Matches(LabelSet labels)
    {
        foreach (var m in _items)
        {
            if (!m.Matches(labels))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Alertmanager's sort order for route matchers: name, then value, then type.</summary>
    public Matchers Sorted()
    {
        var copy = _items.ToArray();
        Array.Sort(copy, static (a, b) =>
        {
            var c = string.CompareOrdinal(a.Name, b.Name);
            if (c != 0)
            {
                return c;
            }
            c = string.CompareOrdinal(a.Value, b.Value);
            return c != 0 ? c : a.Type.CompareTo(b.Type);
        });
        return new Matchers(copy);
    }

    /// <summary><c>{a="b",c=~"d"}</c>, as in group keys.</summary>
    public override string ToString() => "{" + string.Join(",", _items.Select(m => m.ToString())) + "}";

    public IEnumerator<Matcher> GetEnumerator() => ((IEnumerable<Matcher>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
