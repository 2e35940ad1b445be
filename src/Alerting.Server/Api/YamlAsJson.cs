using System.Text;
using System.Text.RegularExpressions;
using Alerting.Core.Notifications;
using YamlDotNet.RepresentationModel;

namespace Alerting.Api;

/// <summary>
/// The masked configuration file as JSON, for API v1's <c>configJSON</c>: mappings, sequences and scalars as they
/// stand in the file (plain scalars typed as YAML resolves them). Alertmanager marshals its parsed configuration
/// instead, so keys it fills with defaults are only there when the file has them.
/// </summary>
internal static partial class YamlAsJson
{
    public static void Write(StringBuilder sb, string yaml)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlDotNet.Core.YamlException)
        {
            sb.Append("null");
            return;
        }
        if (stream.Documents.Count == 0)
        {
            sb.Append("null");
            return;
        }
        Write(sb, stream.Documents[0].RootNode);
    }

    private static void Write(StringBuilder sb, YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode map:
                sb.Append('{');
                var first = true;
                foreach (var (key, value) in map.Children)
                {
                    sb.Append(first ? "" : ",");
                    first = false;
                    GoJson.WriteString(sb, (key as YamlScalarNode)?.Value ?? key.ToString());
                    sb.Append(':');
                    Write(sb, value);
                }
                sb.Append('}');
                break;
            case YamlSequenceNode seq:
                sb.Append('[');
                for (var i = 0; i < seq.Children.Count; i++)
                {
                    sb.Append(i > 0 ? "," : "");
                    Write(sb, seq.Children[i]);
                }
                sb.Append(']');
                break;
            case YamlScalarNode scalar:
                WriteScalar(sb, scalar);
                break;
            default:
                sb.Append("null");
                break;
        }
    }

    private static void WriteScalar(StringBuilder sb, YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        if (scalar.Style is not YamlDotNet.Core.ScalarStyle.Plain)
        {
            GoJson.WriteString(sb, value);
        }
        else if (value is "" or "~" or "null" or "Null" or "NULL")
        {
            sb.Append("null");
        }
        else if (value is "true" or "True" or "TRUE" or "false" or "False" or "FALSE")
        {
            sb.Append(value.ToLowerInvariant());
        }
        else if (Number().IsMatch(value))
        {
            sb.Append(value.TrimStart('+'));
        }
        else
        {
            GoJson.WriteString(sb, value);
        }
    }

    [GeneratedRegex(@"^[-+]?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Number();
}
