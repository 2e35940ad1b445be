using System.Collections;
using System.Text;

namespace Alerting.Core.Labels;

/// <summary>
/// An immutable set of label pairs, sorted by name in UTF-8 byte order (Prometheus' order).
/// Pairs with empty values are dropped on construction, as Alertmanager does.
/// </summary>
public sealed class LabelSet : IReadOnlyDictionary<string, string>, IEquatable<LabelSet>
{
    public static readonly LabelSet Empty = new([]);

    private readonly KeyValuePair<string, string>[] _pairs;
    // Not a ulong?: a 16-byte struct can be read torn (set, with a value of 0) by another thread; the flag is written
    // after the value and read before it.
    private ulong _fingerprint;
    private volatile bool _hasFingerprint;

    private LabelSet(KeyValuePair<string, string>[] sortedPairs) => _pairs = sortedPairs;

    public static LabelSet From(IEnumerable<KeyValuePair<string, string>> pairs) => FromArray([.. pairs]);

    /// <summary>
    /// As <see cref="From(IEnumerable{KeyValuePair{string, string}})"/>, but owns <paramref name="pairs"/>: filters and
    /// sorts it in place and keeps it. Internal: a caller that reused the array would change an immutable set.
    /// </summary>
    internal static LabelSet FromArray(KeyValuePair<string, string>[] pairs)
    {
        var count = 0;
        foreach (var pair in pairs)
        {
            if (!string.IsNullOrEmpty(pair.Value))
            {
                pairs[count++] = pair;
            }
        }
        if (count == 0)
        {
            return Empty;
        }
        if (count < pairs.Length)
        {
            Array.Resize(ref pairs, count);
        }
        Array.Sort(pairs, static (a, b) => Utf8Comparer.Instance.Compare(a.Key, b.Key));
        for (var i = 1; i < pairs.Length; i++)
        {
            if (pairs[i].Key == pairs[i - 1].Key)
            {
                throw new ArgumentException($"duplicate label name \"{pairs[i].Key}\"", nameof(pairs));
            }
        }
        return new LabelSet(pairs);
    }

    public static LabelSet From(params (string Name, string Value)[] pairs) =>
        From(pairs.Select(p => new KeyValuePair<string, string>(p.Name, p.Value)));

    /// <summary>Alertmanager's fingerprint: FNV-1a 64 over name 0xFF value 0xFF for each pair.</summary>
    public ulong Fingerprint
    {
        get
        {
            if (!_hasFingerprint)
            {
                _fingerprint = Labels.Fingerprint.Of(_pairs);
                _hasFingerprint = true;
            }
            return _fingerprint;
        }
    }

    public string FingerprintHex => Labels.Fingerprint.Format(Fingerprint);

    public int Count => _pairs.Length;

    public IEnumerable<string> Keys => _pairs.Select(p => p.Key);

    public IEnumerable<string> Values => _pairs.Select(p => p.Value);

    public string this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(key);

    /// <summary>The value of a label, or "" when absent: Prometheus treats both alike.</summary>
    public string Get(string name) => TryGetValue(name, out var value) ? value : "";

    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    public bool TryGetValue(string key, out string value)
    {
        var i = IndexOf(key);
        value = i >= 0 ? _pairs[i].Value : "";
        return i >= 0;
    }

    private int IndexOf(string key)
    {
        // Label sets are small; a linear scan beats a binary search with a UTF-8 comparer.
        for (var i = 0; i < _pairs.Length; i++)
        {
            if (string.Equals(_pairs[i].Key, key, StringComparison.Ordinal))
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>The subset whose names are in <paramref name="names"/>.</summary>
    public LabelSet Select(IEnumerable<string> names)
    {
        var set = names as ISet<string> ?? names.ToHashSet(StringComparer.Ordinal);
        // Counted first, then copied: no iterator or growing list per call (grouping selects per alert).
        var count = 0;
        foreach (var pair in _pairs)
        {
            count += set.Contains(pair.Key) ? 1 : 0;
        }
        if (count == _pairs.Length)
        {
            return this;
        }
        var chosen = new KeyValuePair<string, string>[count];
        count = 0;
        foreach (var pair in _pairs)
        {
            if (set.Contains(pair.Key))
            {
                chosen[count++] = pair;
            }
        }
        return count == 0 ? Empty : new LabelSet(chosen);
    }

    /// <summary>A struct enumerator for <c>foreach</c>: label sets are walked per alert on every read, and the array's
    /// boxed one was a tenth of a read's allocations.</summary>
    public Enumerator GetEnumerator() => new(_pairs);

    IEnumerator<KeyValuePair<string, string>> IEnumerable<KeyValuePair<string, string>>.GetEnumerator() =>
        ((IEnumerable<KeyValuePair<string, string>>)_pairs).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _pairs.GetEnumerator();

    public struct Enumerator(KeyValuePair<string, string>[] pairs)
    {
        private int _index = -1;

        public bool MoveNext() => ++_index < pairs.Length;

        public readonly KeyValuePair<string, string> Current => pairs[_index];
    }

    public bool Equals(LabelSet? other)
    {
        if (other is null || other._pairs.Length != _pairs.Length)
        {
            return false;
        }
        for (var i = 0; i < _pairs.Length; i++)
        {
            if (!string.Equals(_pairs[i].Key, other._pairs[i].Key, StringComparison.Ordinal)
                || !string.Equals(_pairs[i].Value, other._pairs[i].Value, StringComparison.Ordinal))
            {
                return false;
            }
        }
        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as LabelSet);

    public override int GetHashCode() => (int)Fingerprint;

    /// <summary>Prometheus' LabelSet.String(): <c>{a="b", c="d"}</c> with Go-quoted values.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder("{");
        for (var i = 0; i < _pairs.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }
            sb.Append(_pairs[i].Key).Append('=');
            GoQuote.Append(sb, _pairs[i].Value);
        }
        return sb.Append('}').ToString();
    }
}
