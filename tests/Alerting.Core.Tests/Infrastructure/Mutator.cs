using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Alerting.Core.Infrastructure;

/// <summary>
/// Seeded, reproducible mutation of valid inputs for the fuzz tests. Case <c>i</c> of a run with seed <c>s</c>
/// is always the same text, whatever ran before it or in parallel, so a failure names its seed and case and
/// can be replayed alone (<c>ALERTING_FUZZ_SEED</c>, <c>ALERTING_FUZZ_CASES</c>).
/// </summary>
public sealed class Mutator
{
    public const int DefaultSeed = 20261126;

    public const int DefaultCases = 10_000;

    // Raw JSON snippets: edge values of every type, including text JsonNode could not write (lone surrogates, NaN).
    private static readonly string[] s_jsonValues =
    [
        "null", "true", "false", "0", "-1", "1.5", "1e308", "1e999", "-0", "9223372036854775808", "NaN", "\"\"", "\" \"",
        "{}", "[]", "[null]", "[{}]", "{\"\":\"\"}", "\"a\"", "\"\\u0000\"", "\"\\ud800\"", "\"x\\udc00\"", "\"\\n\\t\\r\"",
        "\"é中文🔥\"", "\"\\\"\"", "\"\\\\\"", "\"<script>alert(1)</script>\"", "\"{{ for x in 1..1000000 }}x{{ end }}\"",
        "\"0001-01-01T00:00:00Z\"", "\"9999-12-31T23:59:59Z\"", "\"1970-01-01T00:00:00Z\"", "\"2026-02-30T00:00:00Z\"",
        "\"2026-01-01T00:00:00+14:00\"", "\"2026-01-01T00:00:00-12:00\"", "\"2026-01-01\"", "\"yesterday\"", "\"-0001-01-01T00:00:00Z\"",
        "\"2099-01-01T00:00:00.999999999Z\"", "\".*\"", "\"(a+)+$\"", "\"(\"", "\"[\"", "\"a{1000000}\"", "\"(?<x>a)\\\\k<x>\"",
        "\"__name__\"", "\"1a\"", "\"a-b\"", "\"http://user:pass@example.invalid/x?token=y\"", "\"javascript:alert(1)\"",
        "\"resolved\"", "\"firing\"", "\"RESOLVED\"", "\"00000000-0000-0000-0000-000000000000\"", "\"not-a-uuid\"",
    ];

    private static readonly string[] s_keys =
    [
        "labels", "annotations", "startsAt", "endsAt", "generatorURL", "status", "alerts", "matchers", "name", "value",
        "isRegex", "isEqual", "createdBy", "comment", "id", "alertname", "severity", "", "__proto__", "a b", "é", "1x",
        "fingerprint", "values", "dashboardURL", "receiver", "groupLabels", "commonLabels", "truncatedAlerts", "externalURL",
    ];

    private static readonly string[] s_tokens =
    [
        "{", "}", "[", "]", ",", ":", "\"", "\\", "\\u", "\\ud800", "\n", "\t", " ", "\0", "=", "=~", "!=", "!~", "~", "'",
        "null", "-", "#", "&", "*", "!", "|", ">", "%", "@", "{{", "}}", "é", "🔥", "\u202e", "\uFEFF", "true", "0", "..",
    ];

    private static readonly JsonSerializerOptions s_writeOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly Random _random;

    /// <summary>The generator for case <paramref name="index"/> of the run with <paramref name="seed"/>.</summary>
    public Mutator(int seed, int index) => _random = new Random(unchecked((seed * 1_000_003) + index));

    public static int Seed => Environment.GetEnvironmentVariable("ALERTING_FUZZ_SEED") is { Length: > 0 } s
        ? int.Parse(s, CultureInfo.InvariantCulture)
        : DefaultSeed;

    public static int Cases => Environment.GetEnvironmentVariable("ALERTING_FUZZ_CASES") is { Length: > 0 } s
        ? int.Parse(s, CultureInfo.InvariantCulture)
        : DefaultCases;

    public Random Random => _random;

    public T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    /// <summary>One to three mutations: mostly on the parsed tree, some on the text so the syntax breaks too.</summary>
    public string MutateJson(string json)
    {
        var rounds = 1 + _random.Next(3);
        for (var i = 0; i < rounds; i++)
        {
            json = _random.Next(10) < 7 ? MutateTree(json) : MutateText(json);
        }
        return json;
    }

    /// <summary>Character-level damage: delete, duplicate, insert a token, flip a character, truncate.</summary>
    public string MutateText(string text)
    {
        if (text.Length == 0)
        {
            return Pick(s_tokens);
        }
        var at = _random.Next(text.Length);
        var length = Math.Min(text.Length - at, 1 + _random.Next(Math.Min(16, text.Length)));
        return _random.Next(6) switch
        {
            0 => text.Remove(at, length),
            1 => text.Insert(at, text.Substring(at, length)),
            2 => text.Insert(at, Pick(s_tokens)),
            3 => text[..at] + (char)_random.Next(0x20, 0x7f) + text[(at + 1)..],
            4 => text[..at],
            _ => text.Insert(at, Pick(s_jsonValues)),
        };
    }

    /// <summary>Line-level damage for YAML (indentation, deleted or repeated lines, odd scalars), then maybe text damage.</summary>
    public string MutateYaml(string yaml)
    {
        string[] scalars =
        [
            "~", "null", "''", "\"\"", "[]", "{}", "-1", "0", "1e999", "99999999999999999999", "0s", "-5m", "1y", "999999999999h",
            "true", "yes", "NaN", "*anchor", "&anchor x", "<<: *anchor", "!!binary aGVsbG8=", "!!python/object x", "|", ">",
            "'unterminated", "\"\\x\"", "a: b: c", "- item", "{a: [b, {c: d}]}", "http://user:pass@host:99999/x", "%00",
            "'[a-z'", "'(a+)+'", "'a=~\"('", "{{ template \"x\" . }}", "\t", "@", "`", "é中文", new string('x', 5000),
        ];
        var lines = yaml.Split('\n').ToList();
        var rounds = 1 + _random.Next(2);
        for (var i = 0; i < rounds; i++)
        {
            var at = _random.Next(lines.Count);
            var line = lines[at];
            switch (_random.Next(8))
            {
                case 0:
                    lines.RemoveAt(at);
                    break;
                case 1:
                    lines.Insert(at, line);
                    break;
                case 2:
                    lines[at] = new string(' ', _random.Next(12)) + line.TrimStart();
                    break;
                case 3:
                    var colon = line.IndexOf(':', StringComparison.Ordinal);
                    lines[at] = colon >= 0 ? line[..(colon + 1)] + " " + Pick(scalars) : line + " " + Pick(scalars);
                    break;
                case 4:
                    var other = _random.Next(lines.Count);
                    (lines[at], lines[other]) = (lines[other], line);
                    break;
                case 5:
                    lines.Insert(at, new string(' ', _random.Next(8)) + Pick(s_keys) + ": " + Pick(scalars));
                    break;
                case 6:
                    lines[at] = MutateText(line);
                    break;
                default:
                    // A whole block repeated: duplicate keys, twice the receivers, and so on.
                    var count = Math.Min(lines.Count - at, 1 + _random.Next(8));
                    lines.InsertRange(at, lines.GetRange(at, count));
                    break;
            }
            if (lines.Count == 0)
            {
                lines.Add(Pick(scalars));
            }
        }
        return string.Join('\n', lines);
    }

    /// <summary>Replaces, removes or adds one node of the parsed tree; falls back to text damage when it does not parse.</summary>
    private string MutateTree(string json)
    {
        try
        {
            return MutateParsed(json);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // JsonObject refuses duplicate keys (it reads them lazily, so anywhere in the walk): damage the text instead.
            return MutateText(json);
        }
    }

    private string MutateParsed(string json)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException)
        {
            return MutateText(json);
        }
        if (root is null)
        {
            return MutateText(json);
        }
        var nodes = new List<JsonNode>();
        Collect(root, nodes);
        var target = Pick(nodes);
        // A marker stands in for raw snippets that JsonNode could not hold or write (NaN, lone surrogates).
        const string Marker = "\u0001FUZZ\u0001";
        var markerJson = JsonSerializer.Serialize(Marker, s_writeOptions);
        string? raw = null;
        switch (_random.Next(9))
        {
            case 0 or 1:
                raw = Pick(s_jsonValues);
                Replace(target, JsonValue.Create(Marker), ref root);
                break;
            case 2:
                if (target.Parent is JsonObject parentObject)
                {
                    parentObject.Remove(target.GetPropertyName());
                }
                else if (target.Parent is JsonArray parentArray)
                {
                    parentArray.Remove(target);
                }
                break;
            case 3:
                if (target is JsonObject addTo)
                {
                    addTo[Pick(s_keys) + (_random.Next(4) == 0 ? _random.Next(100).ToString(CultureInfo.InvariantCulture) : "")] = JsonValue.Create(Marker);
                    raw = Pick(s_jsonValues);
                }
                break;
            case 4:
                if (target.Parent is JsonObject renameIn)
                {
                    var name = Pick(s_keys);
                    renameIn.Remove(target.GetPropertyName());
                    target = target.DeepClone();
                    renameIn[name] = target;
                }
                break;
            case 5:
                if (target is JsonArray grow && grow.Count > 0)
                {
                    // Many copies: batches near and over the limits.
                    var copies = _random.Next(4) == 0 ? 40 + _random.Next(40) : 1 + _random.Next(3);
                    var item = grow[_random.Next(grow.Count)];
                    for (var i = 0; i < copies; i++)
                    {
                        grow.Add(item?.DeepClone());
                    }
                }
                break;
            case 6:
                if (target is JsonValue v && v.TryGetValue<string>(out var s))
                {
                    Replace(target, JsonValue.Create(MutateString(s)), ref root);
                }
                break;
            case 7:
                // Type confusion: a value wrapped in a list or an object, or a deep nest.
                var depth = _random.Next(5) == 0 ? 40 : 1;
                JsonNode wrapped = target.DeepClone();
                for (var i = 0; i < depth; i++)
                {
                    wrapped = _random.Next(2) == 0 ? new JsonArray(wrapped) : new JsonObject { ["x"] = wrapped };
                }
                Replace(target, wrapped, ref root);
                break;
            default:
                if (target is JsonObject labels && labels.Count > 0)
                {
                    // Many entries: label counts near and over the limits.
                    var (key, value) = labels.ElementAt(_random.Next(labels.Count));
                    var extra = _random.Next(3) == 0 ? 120 + _random.Next(20) : 1 + _random.Next(5);
                    for (var i = 0; i < extra; i++)
                    {
                        labels[$"{key}_{i}"] = value?.DeepClone();
                    }
                }
                break;
        }
        string text;
        try
        {
            text = root?.ToJsonString(s_writeOptions) ?? "null";
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // A cut through a surrogate pair cannot be written as JSON: damage the text instead.
            return MutateText(json);
        }
        return raw is null ? text : ReplaceFirst(text, markerJson, raw);
    }

    private string MutateString(string s) => _random.Next(5) switch
    {
        0 => s + new string(s.Length > 0 ? s[^1] : 'x', _random.Next(2) == 0 ? 300 : 20_000),
        1 => "",
        2 => s.Length > 1 ? s[.._random.Next(s.Length)] : s + "é",
        3 => s.Insert(_random.Next(s.Length + 1), Pick(s_tokens)),
        _ => s.ToUpperInvariant() + " " + s,
    };

    private static void Replace(JsonNode target, JsonNode replacement, ref JsonNode? root)
    {
        switch (target.Parent)
        {
            case JsonObject o:
                o[target.GetPropertyName()] = replacement;
                break;
            case JsonArray a:
                a[target.GetElementIndex()] = replacement;
                break;
            default:
                root = replacement;
                break;
        }
    }

    private static void Collect(JsonNode node, List<JsonNode> into)
    {
        into.Add(node);
        switch (node)
        {
            case JsonObject o:
                foreach (var (_, child) in o)
                {
                    if (child is not null)
                    {
                        Collect(child, into);
                    }
                }
                break;
            case JsonArray a:
                foreach (var child in a)
                {
                    if (child is not null)
                    {
                        Collect(child, into);
                    }
                }
                break;
        }
    }

    private static string ReplaceFirst(string text, string what, string with)
    {
        var at = text.IndexOf(what, StringComparison.Ordinal);
        return at < 0 ? text : string.Concat(text.AsSpan(0, at), with, text.AsSpan(at + what.Length));
    }

    /// <summary>At most <paramref name="max"/> characters of <paramref name="s"/>, for failure messages.</summary>
    public static string Shorten(string s, int max = 200)
    {
        var flat = new StringBuilder(Math.Min(s.Length, max + 1));
        foreach (var c in s.Take(max))
        {
            flat.Append(c is '\n' ? '⏎' : char.IsControl(c) ? '·' : c);
        }
        return s.Length > max ? flat + $"… ({s.Length} chars)" : flat.ToString();
    }
}
