using Alerting.Channels.Http;
using Alerting.Core.Configuration;
using YamlDotNet.RepresentationModel;

namespace Alerting.Channels.PagerDuty;

/// <summary>
/// One value under <c>details</c>. Alertmanager 0.25 takes strings only, each a template sent as a string;
/// newer versions also take mappings and lists, whose string leaves are templates and whose numbers and booleans
/// are sent as they are.
/// </summary>
internal abstract record PagerDutyDetail
{
    /// <summary>A template; its output is a JSON string.</summary>
    public sealed record TemplateDetail(string Template) : PagerDutyDetail;

    /// <summary>A plain number or boolean inside a nested value, sent as written (<c>3</c>, <c>true</c>).</summary>
    public sealed record LiteralDetail(string Json) : PagerDutyDetail;

    public sealed record MapDetail(IReadOnlyList<KeyValuePair<string, PagerDutyDetail>> Entries) : PagerDutyDetail;

    public sealed record ListDetail(IReadOnlyList<PagerDutyDetail> Items) : PagerDutyDetail;

    public static PagerDutyDetail Read(MapReader details, string key) =>
        FromNode(details.Take(key), nested: false);

    private static PagerDutyDetail FromNode(YamlNode? node, bool nested) => node switch
    {
        null => new TemplateDetail(""),
        YamlMappingNode map => new MapDetail([.. map.Children.Select(c => new KeyValuePair<string, PagerDutyDetail>(
            (c.Key as YamlScalarNode)?.Value ?? "", FromNode(Yaml.IsNull(c.Value) ? null : c.Value, nested: true)))]),
        YamlSequenceNode seq => new ListDetail([.. seq.Children.Select(c => FromNode(Yaml.IsNull(c) ? null : c, nested: true))]),
        YamlScalarNode s when nested && (Yaml.ParseBool(s) is not null || Yaml.ParseInt(s) is not null) =>
            new LiteralDetail(Yaml.ParseBool(s) is { } b ? (b ? "true" : "false") : Yaml.ParseInt(s)!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        YamlScalarNode s => new TemplateDetail(s.Value ?? ""),
        _ => new TemplateDetail(""),
    };

    /// <summary>Writes the rendered value: templates through <paramref name="tmpl"/>, maps with Go's sorted keys.</summary>
    public void Write(GoJsonWriter json, Func<string, string> tmpl)
    {
        switch (this)
        {
            case TemplateDetail t:
                json.String(tmpl(t.Template));
                break;
            case LiteralDetail l:
                json.Raw(l.Json);
                break;
            case MapDetail m:
                json.BeginObject();
                foreach (var (key, value) in m.Entries.OrderBy(e => e.Key, GoJsonWriter.KeyOrder))
                {
                    json.Name(key);
                    value.Write(json, tmpl);
                }
                json.EndObject();
                break;
            case ListDetail l:
                json.BeginArray();
                foreach (var item in l.Items)
                {
                    item.Write(json, tmpl);
                }
                json.EndArray();
                break;
        }
    }
}
