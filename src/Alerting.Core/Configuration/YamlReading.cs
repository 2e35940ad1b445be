using System.Globalization;
using Alerting.Matching;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Alerting.Configuration;

/// <summary>Collects errors and warnings of one load, each with file, line and dotted field path.</summary>
internal sealed class LoadContext(string fileName, string? baseDirectory)
{
    public string FileName { get; } = fileName;

    public List<ConfigError> Errors { get; } = [];

    public List<ConfigError> Warnings { get; } = [];

    public void Error(YamlNode node, string field, string message) =>
        Errors.Add(new ConfigError(FileName, Line(node), field, message));

    public void Warn(YamlNode node, string field, string message) =>
        Warnings.Add(new ConfigError(FileName, Line(node), field, message));

    /// <summary>True for LoadFile: paths can be resolved and checked.</summary>
    public bool FromFile => baseDirectory is not null;

    public static int Line(YamlNode node) => (int)Math.Min(node.Start.Line, int.MaxValue);

    /// <summary>Alertmanager's LoadFile joins relative file paths with the config's folder.</summary>
    public string? ResolvePath(string? path) =>
        string.IsNullOrEmpty(path) || baseDirectory is null || Path.IsPathRooted(path) ? path : Path.Join(baseDirectory, path);
}

/// <summary>Scalar conversions with yaml.v2's rules (YAML 1.1 booleans, any scalar as a string).</summary>
internal static class Yaml
{
    public static bool IsNull(YamlNode? node) =>
        node is null
        || (node is YamlScalarNode s
            && (s.Tag.IsEmpty
                ? (s.Style is ScalarStyle.Plain or ScalarStyle.Any) && s.Value is null or "" or "~" or "null" or "Null" or "NULL"
                : s.Tag.Value is "tag:yaml.org,2002:null" or "!!null"));

    public static string Kind(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        YamlScalarNode s => $"\"{s.Value}\"",
        _ => "an unexpected node",
    };

    public static bool IsPlain(YamlScalarNode s) => s.Tag.IsEmpty && s.Style is ScalarStyle.Plain or ScalarStyle.Any;

    public static bool? ParseBool(YamlScalarNode s)
    {
        if (!IsPlain(s) && !(!s.Tag.IsEmpty && s.Tag.Value is "tag:yaml.org,2002:bool" or "!!bool"))
        {
            return null;
        }
        return s.Value switch
        {
            "true" or "True" or "TRUE" or "yes" or "Yes" or "YES" or "on" or "On" or "ON" or "y" or "Y" => true,
            "false" or "False" or "FALSE" or "no" or "No" or "NO" or "off" or "Off" or "OFF" or "n" or "N" => false,
            _ => null,
        };
    }

    public static long? ParseInt(YamlScalarNode s)
    {
        if (!IsPlain(s) && !(!s.Tag.IsEmpty && s.Tag.Value is "tag:yaml.org,2002:int" or "!!int"))
        {
            return null;
        }
        var text = (s.Value ?? "").Replace("_", "", StringComparison.Ordinal);
        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : null;
    }
}

/// <summary>
/// Reads one YAML mapping into typed values. Keys read are remembered; <see cref="Finish"/> reports the
/// rest as unknown fields, as yaml.v2's UnmarshalStrict does for Alertmanager.
/// </summary>
internal sealed class MapReader
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

    public string? String(string key)
    {
        var node = Take(key);
        if (node is null)
        {
            return null;
        }
        if (node is YamlScalarNode s)
        {
            return s.Value ?? "";
        }
        _ctx.Error(node, Field(key), $"expected a string, got {Yaml.Kind(node)}");
        return null;
    }

    public bool? OptionalBool(string key)
    {
        var node = Take(key);
        if (node is null)
        {
            return null;
        }
        if (node is YamlScalarNode s && Yaml.ParseBool(s) is { } b)
        {
            return b;
        }
        _ctx.Error(node, Field(key), $"expected true or false, got {Yaml.Kind(node)}");
        return null;
    }

    public bool Bool(string key, bool defaultValue) => OptionalBool(key) ?? defaultValue;

    public long? Int(string key, long min = long.MinValue, long max = long.MaxValue)
    {
        var node = Take(key);
        if (node is null)
        {
            return null;
        }
        if (node is YamlScalarNode s && Yaml.ParseInt(s) is { } n)
        {
            if (n < min || n > max)
            {
                _ctx.Error(node, Field(key), max == long.MaxValue ? $"must be at least {min}" : $"must be between {min} and {max}");
                return null;
            }
            return n;
        }
        _ctx.Error(node, Field(key), $"expected an integer, got {Yaml.Kind(node)}");
        return null;
    }

    public TimeSpan? Duration(string key)
    {
        var node = Take(key);
        if (node is null)
        {
            return null;
        }
        if (node is YamlScalarNode s)
        {
            if (Configuration.Duration.TryParse(s.Value ?? "", out var d, out var error))
            {
                return d;
            }
            _ctx.Error(node, Field(key), error!);
            return null;
        }
        _ctx.Error(node, Field(key), $"expected a duration, got {Yaml.Kind(node)}");
        return null;
    }

    /// <summary>A URL as Alertmanager's URL type accepts it: http or https with a host.</summary>
    /// <param name="secret">Alertmanager's SecretURL: its mask is accepted, and errors never show the value.</param>
    /// <param name="redact">A plain URL that often carries a token (a webhook's): errors never show the value.</param>
    public string? Url(string key, bool secret = false, bool redact = false)
    {
        var value = String(key);
        if (value is null)
        {
            return null;
        }
        // SecretURL accepts its own mask so that a masked config (from the status API) loads again.
        if (secret && value == SecretMasker.Mask)
        {
            return value;
        }
        if (UrlCheck.Problem(value) is { } problem)
        {
            // Never echo a secret URL back in an error: reload errors go to logs and HTTP answers.
            Error(key, (secret || redact) && value.Length > 0 ? problem.Replace(value, "<redacted>", StringComparison.Ordinal) : problem);
            return null;
        }
        return value;
    }

    public IReadOnlyList<string>? StringList(string key)
    {
        var node = Take(key);
        if (node is null)
        {
            return null;
        }
        if (node is not YamlSequenceNode seq)
        {
            _ctx.Error(node, Field(key), $"expected a list of strings, got {Yaml.Kind(node)}");
            return null;
        }
        var list = new List<string>();
        var i = 0;
        foreach (var item in seq.Children)
        {
            if (item is YamlScalarNode s)
            {
                list.Add(s.Value ?? "");
            }
            else
            {
                _ctx.Error(item, $"{Field(key)}[{i}]", $"expected a string, got {Yaml.Kind(item)}");
            }
            i++;
        }
        return list;
    }

    /// <summary>A string-to-string mapping, keys in file order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>>? StringMap(string key) =>
        StringMapWithNodes(key)?.Select(e => new KeyValuePair<string, string>(e.Key, e.Value)).ToList();

    public IReadOnlyList<(string Key, string Value, YamlNode KeyNode, YamlNode ValueNode)>? StringMapWithNodes(string key)
    {
        var node = Take(key);
        if (node is null)
        {
            return null;
        }
        if (node is not YamlMappingNode map)
        {
            _ctx.Error(node, Field(key), $"expected a mapping of strings, got {Yaml.Kind(node)}");
            return null;
        }
        var result = new List<(string, string, YamlNode, YamlNode)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (k, v) in map.Children)
        {
            var name = (k as YamlScalarNode)?.Value ?? "";
            if (!seen.Add(name))
            {
                _ctx.Error(k, $"{Field(key)}.{name}", "duplicate key");
                continue;
            }
            if (v is YamlScalarNode s)
            {
                result.Add((name, Yaml.IsNull(s) ? "" : s.Value ?? "", k, v));
            }
            else
            {
                _ctx.Error(v, $"{Field(key)}.{name}", $"expected a string, got {Yaml.Kind(v)}");
            }
        }
        return result;
    }

    public MapReader? Map(string key) => Of(_ctx, Take(key), Field(key));

    /// <summary>A list of mappings; items that are not mappings are reported and skipped.</summary>
    public IEnumerable<(MapReader Item, int Index)> MapList(string key)
    {
        var node = Take(key);
        if (node is null)
        {
            yield break;
        }
        if (node is not YamlSequenceNode seq)
        {
            _ctx.Error(node, Field(key), $"expected a list, got {Yaml.Kind(node)}");
            yield break;
        }
        var i = 0;
        foreach (var item in seq.Children)
        {
            var path = $"{Field(key)}[{i}]";
            if (Yaml.IsNull(item))
            {
                _ctx.Error(item, path, "expected a mapping, got null");
            }
            else if (Of(_ctx, item, path) is { } reader)
            {
                yield return (reader, i);
            }
            i++;
        }
    }

    /// <summary><c>matchers:</c> — a list of strings, each in Alertmanager's matcher syntax.</summary>
    public List<Matcher>? MatcherList(string key)
    {
        var node = Take(key);
        if (node is null)
        {
            return null;
        }
        if (node is not YamlSequenceNode seq)
        {
            _ctx.Error(node, Field(key), $"expected a list of matchers, got {Yaml.Kind(node)}");
            return null;
        }
        var result = new List<Matcher>();
        var i = 0;
        foreach (var item in seq.Children)
        {
            var path = $"{Field(key)}[{i++}]";
            if (item is not YamlScalarNode s)
            {
                _ctx.Error(item, path, $"expected a matcher string, got {Yaml.Kind(item)}");
                continue;
            }
            try
            {
                result.AddRange(MatcherParser.ParseList(s.Value ?? ""));
            }
            catch (MatcherException e)
            {
                _ctx.Error(item, path, e.Message);
            }
        }
        return result;
    }

    /// <summary>Legacy <c>match</c> (equality) or <c>match_re</c> (regex, anchored as Alertmanager anchors it).</summary>
    public List<Matcher>? LegacyMatchers(string key, bool regex)
    {
        var pairs = StringMapWithNodes(key);
        if (pairs is null)
        {
            return null;
        }
        var result = new List<Matcher>();
        foreach (var (name, value, keyNode, valueNode) in pairs)
        {
            if (!Labels.LabelName.IsValid(name))
            {
                _ctx.Error(keyNode, $"{Field(key)}.{name}", $"invalid label name \"{name}\"");
                continue;
            }
            try
            {
                // Alertmanager keeps the compiled regexp's String(), so route keys show ^(?:...)$.
                result.Add(regex
                    ? Matcher.Create(Matching.MatchType.Regexp, name, "^(?:" + value + ")$")
                    : Matcher.Create(Matching.MatchType.Equal, name, value));
            }
            catch (MatcherException e)
            {
                _ctx.Error(valueNode, $"{Field(key)}.{name}", e.Message);
            }
        }
        return result;
    }

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

/// <summary>Go's url.Parse plus Alertmanager's parseURL checks, loosely: scheme http(s) and a host.</summary>
internal static class UrlCheck
{
    public static string? Problem(string value)
    {
        var sep = value.IndexOf("://", StringComparison.Ordinal);
        var scheme = sep > 0 ? value[..sep].ToLowerInvariant() : "";
        if (scheme is not ("http" or "https"))
        {
            return $"unsupported scheme \"{scheme}\" for URL";
        }
        var rest = value[(sep + 3)..];
        var end = rest.IndexOfAny(['/', '?', '#']);
        var authority = end < 0 ? rest : rest[..end];
        var host = authority[(authority.LastIndexOf('@') + 1)..];
        if (host.Length == 0 || host.StartsWith(':'))
        {
            return "missing host for URL";
        }
        if (host.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            return $"parse \"{value}\": invalid character in host name";
        }
        return null;
    }
}
