using Alerting.Core.Configuration;
using Alerting.Templating;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Alerting.Channels.Webhook;

/// <summary>
/// <c>payload</c> (Alertmanager 0.34): a YAML value sent as JSON instead of the version 4 message. Its strings and
/// map keys are Go templates; a rendered value that parses as YAML other than a string (a number, <c>true</c>, a map,
/// a list, an empty text's null) is sent as that structure, and what it parsed into is not looked at again (#5302).
/// </summary>
internal abstract record WebhookPayload
{
    private WebhookPayload()
    {
    }

    /// <summary>A string: rendered, then typed as yaml.v2 types it.</summary>
    public sealed record PayloadText(string Template) : WebhookPayload;

    /// <summary>A plain scalar that is no string in the file (<c>5</c>, <c>true</c>, <c>~</c>): sent as it is.</summary>
    public sealed record PayloadLiteral(object? Value) : WebhookPayload;

    public sealed record PayloadList(IReadOnlyList<WebhookPayload> Items) : WebhookPayload;

    /// <summary>Keys are templates too; Go's map keeps the last of keys that render alike.</summary>
    public sealed record PayloadMap(IReadOnlyList<KeyValuePair<string, WebhookPayload>> Entries) : WebhookPayload;

    public static WebhookPayload? Read(MapReader w, string key)
    {
        var node = w.Take(key);
        return node is null ? null : From(w.Context, node, w.Field(key));
    }

    private static WebhookPayload From(LoadContext ctx, YamlNode node, string field)
    {
        switch (node)
        {
            case YamlSequenceNode seq:
                return new PayloadList([.. seq.Children.Select((c, i) => From(ctx, c, $"{field}[{i}]"))]);
            case YamlMappingNode map:
                var entries = new List<KeyValuePair<string, WebhookPayload>>();
                foreach (var (k, v) in map.Children)
                {
                    // yaml.v2 gives such keys as ints, bools, ...; Alertmanager skips every key that is no string.
                    if (k is not YamlScalarNode ks || YamlScalars.Resolve(ks) != YamlScalars.String)
                    {
                        ctx.Warn(k, field, $"payload key {(k as YamlScalarNode)?.Value ?? "(not a scalar)"} is not a string: Alertmanager drops it, and so do we");
                        continue;
                    }
                    Check(ctx, ks, field, ks.Value);
                    entries.Add(new(ks.Value ?? "", From(ctx, v, $"{field}.{ks.Value}")));
                }
                return new PayloadMap(entries);
            default:
                var scalar = (YamlScalarNode)node;
                var resolved = YamlScalars.Resolve(scalar);
                if (resolved != YamlScalars.String)
                {
                    return new PayloadLiteral(resolved);
                }
                Check(ctx, scalar, field, scalar.Value);
                return new PayloadText(scalar.Value ?? "");
        }
    }

    private static void Check(LoadContext ctx, YamlNode node, string field, string? template)
    {
        if (TemplateFields.ParseError(template) is { } error)
        {
            ctx.Warn(node, field, $"{error} (Alertmanager loads this and fails when it sends; so does this: nothing is sent)");
        }
    }

    /// <summary>The value to encode, or null with <see cref="GoFields.AnyFailed"/> set once a template fails.</summary>
    public object? Render(GoFields go) => Walk(go, this, out var value) ? value : null;

    private static bool Walk(GoFields go, WebhookPayload payload, out object? value)
    {
        value = null;
        switch (payload)
        {
            case PayloadLiteral l:
                value = l.Value;
                return true;
            case PayloadText t:
                var rendered = go.Text("webhook.payload", t.Template);
                value = Typed(rendered);
                return !go.AnyFailed;
            case PayloadList list:
                var items = new List<object?>(list.Items.Count);
                foreach (var item in list.Items)
                {
                    if (!Walk(go, item, out var v))
                    {
                        return false;
                    }
                    items.Add(v);
                }
                value = items;
                return true;
            default:
                var map = new SortedDictionary<string, object?>(StringComparer.Ordinal);
                foreach (var (k, item) in ((PayloadMap)payload).Entries)
                {
                    var key = go.Text("webhook.payload", k);
                    if (go.AnyFailed || !Walk(go, item, out var v))
                    {
                        return false;
                    }
                    map[key] = v;
                }
                value = map;
                return true;
        }
    }

    /// <summary>
    /// template.DeepCopyWithTemplate's string case: the rendered text parsed as YAML; text that does not parse or
    /// parses to a string is sent verbatim, anything else as the structure, typed but not rendered again.
    /// </summary>
    private static object? Typed(string rendered)
    {
        YamlNode? root;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(rendered));
            root = stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
        }
        catch (Exception e) when (e is YamlException or ArgumentException)
        {
            return rendered;
        }
        if (root is null)
        {
            return null;
        }
        if (root is YamlScalarNode s && YamlScalars.Resolve(s) == YamlScalars.String)
        {
            return rendered;
        }
        return Structure(root);
    }

    // normalizeYAMLValue: maps get string keys only, lists become lists, scalars keep their YAML type.
    private static object? Structure(YamlNode node)
    {
        switch (node)
        {
            case YamlSequenceNode seq:
                return seq.Children.Select(Structure).ToList();
            case YamlMappingNode map:
                var result = new SortedDictionary<string, object?>(StringComparer.Ordinal);
                foreach (var (k, v) in map.Children)
                {
                    if (k is YamlScalarNode ks && YamlScalars.Resolve(ks) == YamlScalars.String)
                    {
                        result[ks.Value ?? ""] = Structure(v);
                    }
                }
                return result;
            default:
                var scalar = (YamlScalarNode)node;
                var resolved = YamlScalars.Resolve(scalar);
                return resolved == YamlScalars.String ? scalar.Value ?? "" : resolved;
        }
    }
}
