using Alerting.Core.Matching;
using YamlDotNet.RepresentationModel;

namespace Alerting.Core.Configuration;

/// <summary>Typed values of a mapping's keys, each read once and checked, with Alertmanager's messages.</summary>
internal sealed partial class MapReader
{
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

    /// <summary>A YAML float (Go's float64): plain decimal or exponent notation.</summary>
    public double? Float(string key)
    {
        var node = Take(key);
        if (node is null)
        {
            return null;
        }
        if (node is YamlScalarNode { Value: { } v } && double.TryParse(v, System.Globalization.NumberStyles.Float,
                System.Globalization.CultureInfo.InvariantCulture, out var d) && double.IsFinite(d))
        {
            return d;
        }
        _ctx.Error(node, Field(key), $"expected a number, got {Yaml.Kind(node)}");
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
                // Alertmanager's compat.Matchers(line, "config"); its fallback warnings get this line and field.
                result.AddRange(_ctx.Syntax.WarningTo(w => _ctx.Warn(item, path, w)).ParseMatchers(s.Value ?? "", "config"));
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
            if (regex && valueNode is YamlScalarNode scalar && Yaml.IsNull(scalar))
            {
                // Go leaves a null regexp unset, and Alertmanager refuses it; "" is a regexp (matching the empty value).
                _ctx.Error(valueNode, $"{Field(key)}.{name}", $"invalid regexp value for {Labels.GoQuote.Quote(name)}");
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
}
