using YamlDotNet.RepresentationModel;

namespace Alerting.Core.Configuration;

/// <summary>
/// Reads one YAML mapping into typed values. Keys read are remembered; <see cref="Finish"/> reports the
/// rest as unknown fields, as yaml.v2's UnmarshalStrict does for Alertmanager.
/// </summary>
internal sealed partial class MapReader
{
    private readonly LoadContext _ctx;
    private readonly Dictionary<string, KeyValuePair<YamlNode, YamlNode>> _entries = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    private MapReader(LoadContext ctx, YamlMappingNode node, string path)
    {
        _ctx = ctx;
        Node = node;
        Path = path;
        foreach (var entry in node.Children)
        {
            var key = entry.Key is YamlScalarNode s ? s.Value ?? "" : "";
            if (!_entries.TryAdd(key, entry))
            {
                ctx.Error(entry.Key, Field(key), "duplicate key");
            }
        }
    }

    public YamlMappingNode Node { get; }

    public string Path { get; }

    public LoadContext Context => _ctx;

    /// <summary>A reader for a mapping node; null (after an error) if the node is something else, null if the node is null.</summary>
    public static MapReader? Of(LoadContext ctx, YamlNode? node, string path)
    {
        if (Yaml.IsNull(node))
        {
            return null;
        }
        if (node is YamlMappingNode map)
        {
            return new MapReader(ctx, map, path);
        }
        ctx.Error(node!, path, $"expected a mapping, got {Yaml.Kind(node!)}");
        return null;
    }

    public string Field(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    public IEnumerable<string> Keys => _entries.Keys;

    /// <summary>True when the key has a value other than null or the empty string (Go's zero-value checks).</summary>
    public bool Has(string key) =>
        _entries.TryGetValue(key, out var e) && !Yaml.IsNull(e.Value) && e.Value is not YamlScalarNode { Value: null or "" };

    /// <summary>The value node of a key, null when absent or null-valued; marks the key as known.</summary>
    public YamlNode? Take(string key)
    {
        _used.Add(key);
        return _entries.TryGetValue(key, out var e) && !Yaml.IsNull(e.Value) ? e.Value : null;
    }

    /// <summary>The key's own node, for errors about the key; the mapping when absent.</summary>
    public YamlNode KeyNode(string key) => _entries.TryGetValue(key, out var e) ? e.Key : Node;

    public void Ignore(string key) => _used.Add(key);

    /// <summary>The node of item <paramref name="index"/> of a list value, for errors about one item.</summary>
    public YamlNode ItemNode(string key, int index) =>
        _entries.TryGetValue(key, out var e) && e.Value is YamlSequenceNode seq && index < seq.Children.Count ? seq.Children[index] : KeyNode(key);

    public void ItemError(string key, int index, string message) => _ctx.Error(ItemNode(key, index), $"{Field(key)}[{index}]", message);

    public void Error(string key, string message) => _ctx.Error(ValueNodeOrKey(key), Field(key), message);

    public void Error(string message) => _ctx.Error(Node, Path, message);

    private YamlNode ValueNodeOrKey(string key) =>
        _entries.TryGetValue(key, out var e) ? (Yaml.IsNull(e.Value) ? e.Key : e.Value) : Node;

    /// <summary>Reports every key not read as an unknown field, suggesting a near miss.</summary>
    public void Finish()
    {
        foreach (var (key, entry) in _entries)
        {
            if (_used.Contains(key))
            {
                continue;
            }
            var suggestion = Suggest(key, _used);
            _ctx.Error(entry.Key, Field(key), suggestion is null
                ? $"field {key} not found (unknown field)"
                : $"field {key} not found (unknown field; did you mean {suggestion}?)");
        }
    }

    private static string? Suggest(string key, IEnumerable<string> known)
    {
        string? best = null;
        var bestDistance = 3;
        foreach (var candidate in known)
        {
            var d = Levenshtein(key, candidate);
            if (d < bestDistance)
            {
                best = candidate;
                bestDistance = d;
            }
        }
        return best;
    }

    private static int Levenshtein(string a, string b)
    {
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            prev[j] = j;
        }
        for (var i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            (prev, cur) = (cur, prev);
        }
        return prev[b.Length];
    }
}
