using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Alerting.Core.Configuration;

/// <summary>Collects errors and warnings of one load, each with file, line and dotted field path.</summary>
internal sealed class LoadContext(string fileName, string? baseDirectory, Matching.MatcherSyntax? syntax = null)
{
    public string FileName { get; } = fileName;

    /// <summary>Which label names are valid and how matchers parse (Alertmanager's --enable-feature modes).</summary>
    public Matching.MatcherSyntax Syntax { get; } = syntax ?? Matching.MatcherSyntax.Default;

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
