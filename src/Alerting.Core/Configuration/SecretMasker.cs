using YamlDotNet.RepresentationModel;

namespace Alerting.Core.Configuration;

/// <summary>
/// Re-emits a loaded YAML tree with secrets masked and the <c>server:</c> and <c>tracing:</c> sections and routes' <c>escalation:</c> dropped. Comments are
/// not part of the tree, so nothing hidden in them leaks either. Masks stay parseable by Alertmanager 0.25:
/// its Secret and SecretURL types accept <c>&lt;secret&gt;</c>.
/// </summary>
internal static class SecretMasker
{
    public const string Mask = "<secret>";

    /// <summary>For a secret held by a plain URL field, which must still parse as a URL in Alertmanager 0.25.</summary>
    public const string UrlMask = "http://<secret>/";

    private static readonly HashSet<string> s_secretKeys = new(StringComparer.Ordinal)
    {
        "password", "secret", "token", "bearer_token", "credentials", "client_secret",
        "opsgenie_api_key", "victorops_api_key", "wechat_api_secret", "api_key", "api_secret",
        "routing_key", "service_key", "user_key", "bot_token", "webhook_url", "secret_key", "hmac_secret",
    };

    public static string MaskedYaml(YamlStream stream, IReadOnlyList<ChannelReader> channels)
    {
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode source)
        {
            return "";
        }
        var root = (YamlMappingNode)new Masking(channels).Copy(source, parentKey: null);
        root.Children.Remove(new YamlScalarNode("server"));
        // Alertmanager 0.25, whose amtool parses this strictly, has no tracing section; its headers hold secrets too.
        root.Children.Remove(new YamlScalarNode("tracing"));
        // Nor escalation, which its strict parser would reject as an unknown field of a route.
        if (root.Children.TryGetValue(new YamlScalarNode("route"), out var route))
        {
            RemoveEscalation(route);
        }
        var writer = new StringWriter { NewLine = "\n" };
        new YamlStream(new YamlDocument(root)).Save(writer, assignAnchors: false);
        var text = writer.ToString();
        // The emitter closes the document with "..."; Alertmanager's own output has no marker.
        return text.EndsWith("...\n", StringComparison.Ordinal) ? text[..^4] : text;
    }

    private static void RemoveEscalation(YamlNode route)
    {
        if (route is not YamlMappingNode map)
        {
            return;
        }
        map.Children.Remove(new YamlScalarNode("escalation"));
        if (map.Children.TryGetValue(new YamlScalarNode("routes"), out var routes) && routes is YamlSequenceNode children)
        {
            foreach (var child in children)
            {
                RemoveEscalation(child);
            }
        }
    }

    /// <summary>The masks of one load: the channels' keys besides the common ones.</summary>
    private sealed class Masking(IReadOnlyList<ChannelReader> channels)
    {
        private readonly Dictionary<string, IReadOnlyDictionary<string, string>> _channelKeys =
            channels.ToDictionary(c => c.ConfigKey, c => c.SecretKeys, StringComparer.Ordinal);

        private readonly HashSet<string> _globalKeys = [.. channels.SelectMany(c => c.GlobalSecretKeys)];

        /// <summary>A deep copy with masked scalars; anchors dropped so every occurrence is judged on its own key.</summary>
        public YamlNode Copy(YamlNode node, string? parentKey)
        {
            switch (node)
            {
                case YamlMappingNode map:
                    var copy = new YamlMappingNode { Style = map.Style };
                    foreach (var (k, v) in map.Children)
                    {
                        var key = (k as YamlScalarNode)?.Value ?? "";
                        var value = v is YamlScalarNode s && !Yaml.IsNull(s) && MaskFor(key, parentKey) is { } mask
                            ? new YamlScalarNode(mask)
                            : Copy(v, key);
                        copy.Add(Copy(k, null), value);
                    }
                    return copy;
                case YamlSequenceNode seq:
                    // Items of a list are judged by the list's key: webhook_configs[0].url has parent webhook_configs.
                    var items = new YamlSequenceNode { Style = seq.Style };
                    foreach (var item in seq.Children)
                    {
                        items.Add(Copy(item, parentKey));
                    }
                    return items;
                case YamlScalarNode scalar:
                    return new YamlScalarNode(scalar.Value) { Style = scalar.Style, Tag = scalar.Tag };
                default:
                    return node;
            }
        }

        private string? MaskFor(string key, string? parentKey)
        {
            if (key.EndsWith("_file", StringComparison.Ordinal))
            {
                return null; // a path, not the secret itself
            }
            if (parentKey is not null && _channelKeys.TryGetValue(parentKey, out var keys) && keys.TryGetValue(key, out var channelMask))
            {
                return channelMask;
            }
            return (key, parentKey) switch
            {
                ("key", "tls_config" or "smtp_tls_config") => Mask,
                _ when s_secretKeys.Contains(key)
                    || _globalKeys.Contains(key)
                    || key.EndsWith("_password", StringComparison.Ordinal)
                    || key.EndsWith("_secret", StringComparison.Ordinal)
                    || key.EndsWith("_token", StringComparison.Ordinal) => Mask,
                _ => null,
            };
        }
    }
}
