using YamlDotNet.RepresentationModel;

namespace Alerting.Configuration;

/// <summary>
/// Re-emits a loaded YAML tree with secrets masked and the <c>server:</c> section dropped. Comments are
/// not part of the tree, so nothing hidden in them leaks either. Masks stay parseable by Alertmanager 0.25:
/// its Secret and SecretURL types accept <c>&lt;secret&gt;</c>.
/// </summary>
internal static class SecretMasker
{
    public const string Mask = "<secret>";

    // Alertmanager 0.25's webhook url is a plain URL that must parse, so its mask is a URL around the token.
    public const string UrlMask = "http://<secret>/";

    private static readonly HashSet<string> s_secretKeys = new(StringComparer.Ordinal)
    {
        "password", "secret", "token", "bearer_token", "credentials", "client_secret",
        "auth_password", "auth_secret", "smtp_auth_password", "smtp_auth_secret", "slack_api_url",
        "opsgenie_api_key", "victorops_api_key", "wechat_api_secret", "api_key", "api_secret",
        "routing_key", "service_key", "user_key", "bot_token", "webhook_url", "secret_key", "hmac_secret",
    };

    public static string MaskedYaml(YamlStream stream)
    {
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode source)
        {
            return "";
        }
        var root = (YamlMappingNode)Copy(source, parentKey: null);
        root.Children.Remove(new YamlScalarNode("server"));
        var writer = new StringWriter { NewLine = "\n" };
        new YamlStream(new YamlDocument(root)).Save(writer, assignAnchors: false);
        var text = writer.ToString();
        // The emitter closes the document with "..."; Alertmanager's own output has no marker.
        return text.EndsWith("...\n", StringComparison.Ordinal) ? text[..^4] : text;
    }

    /// <summary>A deep copy with masked scalars; anchors dropped so every occurrence is judged on its own key.</summary>
    private static YamlNode Copy(YamlNode node, string? parentKey)
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

    private static string? MaskFor(string key, string? parentKey)
    {
        if (key.EndsWith("_file", StringComparison.Ordinal))
        {
            return null; // a path, not the secret itself
        }
        return (key, parentKey) switch
        {
            ("url", "webhook_configs") => UrlMask,
            ("url", "dingtalk_configs") => Mask,
            ("api_url", "slack_configs") => Mask,
            ("key", "tls_config" or "smtp_tls_config") => Mask,
            _ when s_secretKeys.Contains(key)
                || key.EndsWith("_password", StringComparison.Ordinal)
                || key.EndsWith("_secret", StringComparison.Ordinal)
                || key.EndsWith("_token", StringComparison.Ordinal) => Mask,
            _ => null,
        };
    }
}
