using System.Text.Json.Nodes;

namespace Alerting.Api;

/// <summary>
/// Compares our OpenAPI 3.1 document with Alertmanager's Swagger 2.0 spec: every path and method of theirs, its
/// parameters (name, in, required, type), its request body and its responses' schemas, <c>$ref</c> and <c>allOf</c>
/// resolved on both sides (and in responses, that what they require ours requires). A property of theirs missing from ours is a difference; a property of ours they do not
/// have is one too, unless <paramref name="allowedExtras"/> names it as <c>definition.property</c>. Formats other
/// than date-time, enums and request bodies' required lists are not compared.
/// </summary>
internal sealed class OpenApiComparison(JsonObject theirs, JsonObject ours, IReadOnlySet<string> allowedExtras)
{
    private const int MaxDepth = 12;
    private readonly List<string> _differences = [];
    private readonly SortedSet<string> _extrasSeen = new(StringComparer.Ordinal);

    /// <summary>The allowed extra properties the comparison met.</summary>
    public IReadOnlySet<string> ExtrasSeen => _extrasSeen;

    public IReadOnlyList<string> Compare()
    {
        var basePath = ((string)theirs["basePath"]!).TrimEnd('/');
        foreach (var (path, item) in theirs["paths"]!.AsObject())
        {
            var shared = item!["parameters"]?.AsArray() ?? [];
            foreach (var (method, operation) in item.AsObject().Where(kv => kv.Key != "parameters"))
            {
                var where = $"{method.ToUpperInvariant()} {basePath}{path}";
                if (ours["paths"]?[basePath + path]?[method] is not JsonObject our)
                {
                    _differences.Add($"{where}: missing from our document");
                    continue;
                }
                CompareParameters(where, [.. shared, .. operation!["parameters"]?.AsArray() ?? []], our);
                CompareResponses(where, operation!["responses"]!.AsObject(), our);
            }
        }
        return _differences;
    }

    private void CompareParameters(string where, IEnumerable<JsonNode?> expected, JsonObject our)
    {
        var ourParameters = (our["parameters"]?.AsArray() ?? []).Select(p => Deref(p!, ours))
            .ToDictionary(p => $"{p["in"]}:{p["name"]}", StringComparer.Ordinal);
        foreach (var p in expected.Select(p => Deref(p!, theirs)).DistinctBy(p => $"{p["in"]}:{p["name"]}"))
        {
            var (name, place) = ((string)p["name"]!, (string)p["in"]!);
            var at = $"{where} {place} parameter {name}";
            if (place == "body")
            {
                if (our["requestBody"] is not { } body || AnySchema(body) is not { } schema)
                {
                    _differences.Add($"{at}: our operation has no request body");
                    continue;
                }
                if ((bool?)body["required"] != (bool?)p["required"])
                {
                    _differences.Add($"{at}: required {(bool?)p["required"]}, ours {(bool?)body["required"]}");
                }
                CompareSchemas(at, p["schema"]!, schema, 0, responses: false);
                continue;
            }
            if (!ourParameters.TryGetValue($"{place}:{name}", out var mine))
            {
                _differences.Add($"{at}: missing from our operation");
                continue;
            }
            if (((bool?)p["required"] ?? false) != ((bool?)mine["required"] ?? false))
            {
                _differences.Add($"{at}: required {(bool?)p["required"] ?? false}, ours {(bool?)mine["required"] ?? false}");
            }
            var theirType = ParameterType(p, theirs);
            var ourType = mine["schema"] is { } s ? ParameterType(s, ours) : "(no schema)";
            if (theirType != ourType)
            {
                _differences.Add($"{at}: type {theirType}, ours {ourType}");
            }
        }
    }

    private void CompareResponses(string where, JsonObject expected, JsonObject our)
    {
        foreach (var (status, response) in expected)
        {
            var at = $"{where} response {status}";
            var theirResponse = Deref(response!, theirs);
            if (our["responses"]?[status] is not { } ourResponse)
            {
                _differences.Add($"{at}: missing from our operation");
                continue;
            }
            if (theirResponse["schema"] is not { } theirSchema)
            {
                continue;
            }
            if (AnySchema(Deref(ourResponse, ours)) is not { } ourSchema)
            {
                _differences.Add($"{at}: ours has no body schema");
                continue;
            }
            CompareSchemas(at, theirSchema, ourSchema, 0, responses: true);
        }
    }

    private void CompareSchemas(string at, JsonNode expected, JsonNode actual, int depth, bool responses)
    {
        var t = Flatten(expected, theirs);
        var o = Flatten(actual, ours);
        if (depth > MaxDepth)
        {
            return;
        }
        if (t.Type != o.Type)
        {
            _differences.Add($"{at}: type {t.Type ?? "(none)"}, ours {o.Type ?? "(none)"}");
            return;
        }
        if (t.Format == "date-time" && o.Format != "date-time")
        {
            _differences.Add($"{at}: format date-time, ours {o.Format ?? "(none)"}");
        }
        if (t.Items is not null)
        {
            if (o.Items is null)
            {
                _differences.Add($"{at}[]: ours has no item schema");
            }
            else
            {
                CompareSchemas($"{at}[]", t.Items, o.Items, depth + 1, responses);
            }
        }
        if (t.AdditionalProperties is not null)
        {
            if (o.AdditionalProperties is null)
            {
                _differences.Add($"{at}: a map of {Flatten(t.AdditionalProperties, theirs).Type} in Alertmanager's spec, ours is not a map");
            }
            else
            {
                CompareSchemas($"{at}.*", t.AdditionalProperties, o.AdditionalProperties, depth + 1, responses);
            }
        }
        var definition = t.Definition ?? "(inline)";
        foreach (var (name, schema) in t.Properties)
        {
            if (!o.Properties.TryGetValue(name, out var mine))
            {
                _differences.Add($"{at}.{name}: missing from ours (Alertmanager's {definition}.{name})");
                continue;
            }
            // What Alertmanager always answers with, ours does too. Our bodies' fields are all optional in the document:
            // the handlers check them (ApiSpec) to answer with go-swagger's errors.
            if (responses && t.Required.Contains(name) && !o.Required.Contains(name))
            {
                _differences.Add($"{at}.{name}: required in Alertmanager's {definition}, optional in ours");
            }
            CompareSchemas($"{at}.{name}", schema, mine, depth + 1, responses);
        }
        foreach (var name in o.Properties.Keys.Where(n => !t.Properties.ContainsKey(n)))
        {
            var key = $"{definition}.{name}";
            if (allowedExtras.Contains(key))
            {
                _extrasSeen.Add(key);
            }
            else
            {
                _differences.Add($"{at}.{name}: ours only, not in Alertmanager's {definition} (allow {key} if on purpose)");
            }
        }
    }

    /// <summary>A schema with its references, allOf parts and nullability resolved (OpenAPI 3.1 spells it type: [x, "null"] or oneOf).</summary>
    private static Shape Flatten(JsonNode node, JsonObject root)
    {
        string? definition = null;
        while (true)
        {
            if (node["$ref"] is { } reference)
            {
                definition ??= ((string)reference!).Split('/')[^1];
                node = Deref(node, root);
                continue;
            }
            var branches = (node["oneOf"] ?? node["anyOf"])?.AsArray().Where(b => (string?)b!["type"] != "null").ToList();
            if (branches is [{ } only])
            {
                node = only;
                continue;
            }
            break;
        }
        var properties = new Dictionary<string, JsonNode>(StringComparer.Ordinal);
        var required = new HashSet<string>((node["required"] as JsonArray ?? []).Select(r => (string)r!), StringComparer.Ordinal);
        string? type = TypeOf(node["type"]);
        foreach (var part in node["allOf"]?.AsArray() ?? [])
        {
            var flat = Flatten(part!, root);
            type ??= flat.Type;
            required.UnionWith(flat.Required);
            foreach (var (name, schema) in flat.Properties)
            {
                properties[name] = schema;
            }
        }
        foreach (var (name, schema) in node["properties"]?.AsObject() ?? [])
        {
            properties[name] = schema!;
        }
        if (type is null && properties.Count > 0)
        {
            type = "object";
        }
        return new Shape(definition, type, (string?)node["format"], properties, required, node["items"], node["additionalProperties"] as JsonObject);
    }

    private static string? TypeOf(JsonNode? type) => type switch
    {
        JsonArray types => types.Select(t => (string?)t).SingleOrDefault(t => t != "null"),
        JsonValue value => (string?)value,
        _ => null,
    };

    private static string ParameterType(JsonNode schema, JsonObject root)
    {
        var flat = Flatten(schema, root);
        return flat.Type == "array" && flat.Items is { } items ? $"array of {Flatten(items, root).Type}" : flat.Type ?? "(none)";
    }

    /// <summary>The JSON schema of an OpenAPI 3 body (any media type: ours are JSON); Swagger 2 has none.</summary>
    private static JsonNode? AnySchema(JsonNode bodyOrResponse) =>
        bodyOrResponse["content"]?.AsObject().Select(kv => kv.Value?["schema"]).FirstOrDefault(s => s is not null);

    private static JsonNode Deref(JsonNode node, JsonObject root)
    {
        while (node["$ref"] is { } reference)
        {
            JsonNode target = root;
            foreach (var segment in ((string)reference!).TrimStart('#', '/').Split('/'))
            {
                target = target[segment] ?? throw new InvalidOperationException($"unresolved $ref {reference}");
            }
            node = target;
        }
        return node;
    }

    private sealed record Shape(
        string? Definition, string? Type, string? Format, Dictionary<string, JsonNode> Properties, HashSet<string> Required, JsonNode? Items, JsonObject? AdditionalProperties);
}
