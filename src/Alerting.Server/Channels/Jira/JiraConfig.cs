using Alerting.Core.Configuration;
using YamlDotNet.RepresentationModel;

namespace Alerting.Channels.Jira;

/// <summary>
/// <c>jira_configs</c> (Alertmanager 0.28+): one issue per alert group, found again by its <c>ALERT{hash}</c> label.
/// Texts are Go templates with Alertmanager's defaults; ApiUrl falls back to <c>global.jira_api_url</c>.
/// </summary>
internal sealed record JiraConfig : IntegrationConfig
{
    public override string Kind => JiraChannel.Name;

    public override bool SendResolved { get; init; } = true;

    public HttpClientConfig HttpConfig { get; init; } = HttpClientConfig.Default;

    public string ApiUrl { get; init; } = "";

    /// <summary>auto, cloud or datacenter: which search endpoint is used.</summary>
    public string ApiType { get; init; } = "auto";

    public string Project { get; init; } = "";

    public JiraFieldConfig Summary { get; init; } = new("""{{ template "jira.default.summary" . }}""", null);

    public JiraFieldConfig Description { get; init; } = new("""{{ template "jira.default.description" . }}""", null);

    public IReadOnlyList<string> Labels { get; init; } = [];

    public string Priority { get; init; } = """{{ template "jira.default.priority" . }}""";

    public string IssueType { get; init; } = "";

    public string ReopenTransition { get; init; } = "";

    public string ResolveTransition { get; init; } = "";

    public string WontFixResolution { get; init; } = "";

    public TimeSpan ReopenDuration { get; init; }

    /// <summary>Custom fields as yaml.v2 decoded them (see <see cref="JiraYaml"/>), in file order.</summary>
    public IReadOnlyList<KeyValuePair<string, object?>> Fields { get; init; } = [];

    public static JiraConfig Read(MapReader r, GlobalConfig global)
    {
        var defaults = global.DefaultsOf<JiraDefaults>() ?? JiraDefaults.None;
        var template = new JiraConfig();
        var apiUrl = r.Url("api_url") ?? defaults.ApiUrl;
        if (apiUrl is null && !r.Has("api_url"))
        {
            r.Error("no global Jira Cloud URL set");
        }
        var config = new JiraConfig
        {
            SendResolved = r.Keys.Contains("send_resolved") ? r.OptionalBool("send_resolved") ?? false : true,
            HttpConfig = r.HttpConfig("http_config") ?? global.HttpConfig,
            ApiUrl = apiUrl ?? "",
            ApiType = TemplateOr(r, "api_type", "auto"),
            Project = TemplateOr(r, "project", ""),
            Summary = Field(r, "summary", template.Summary),
            Description = Field(r, "description", template.Description),
            Labels = r.StringList("labels") ?? [],
            Priority = TemplateOr(r, "priority", template.Priority),
            IssueType = TemplateOr(r, "issue_type", ""),
            ReopenTransition = TemplateOr(r, "reopen_transition", ""),
            ResolveTransition = TemplateOr(r, "resolve_transition", ""),
            WontFixResolution = TemplateOr(r, "wont_fix_resolution", ""),
            ReopenDuration = r.Duration("reopen_duration") ?? TimeSpan.Zero,
            Fields = CustomFields(r),
            Line = LoadContext.Line(r.Node),
        };
        if (config.Project.Length == 0)
        {
            r.Error("project", "missing project in jira_config");
        }
        if (config.IssueType.Length == 0)
        {
            r.Error("issue_type", "missing issue_type in jira_config");
        }
        if (config.ApiType is not ("auto" or "cloud" or "datacenter"))
        {
            r.Error("api_type", "unknown api_type on jira_config, must be auto, cloud or datacenter");
        }
        r.Finish();
        return config;
    }

    /// <summary>A string as yaml.v2 sets it: absent keeps the default, null or empty is "".</summary>
    private static string TemplateOr(MapReader r, string key, string @default) => r.String(key) ?? (r.Keys.Contains(key) ? "" : @default);

    /// <summary>summary and description: a template string, or <c>{template, enable_update}</c> over the default.</summary>
    private static JiraFieldConfig Field(MapReader r, string key, JiraFieldConfig @default)
    {
        if (!r.Keys.Contains(key))
        {
            return @default;
        }
        if (r.Take(key) is YamlMappingNode)
        {
            var map = r.Map(key)!;
            var field = new JiraFieldConfig(map.String("template") ?? (map.Keys.Contains("template") ? "" : @default.Template), map.OptionalBool("enable_update"));
            map.Finish();
            return field;
        }
        // A null value zeroes the field; a string replaces the template.
        return new JiraFieldConfig(r.String(key) ?? "", null);
    }

    private static List<KeyValuePair<string, object?>> CustomFields(MapReader r)
    {
        var fields = new List<KeyValuePair<string, object?>>();
        var node = r.Take("fields");
        if (node is null)
        {
            return fields;
        }
        if (node is not YamlMappingNode map)
        {
            r.Error("fields", $"expected a mapping, got {Yaml.Kind(node)}");
            return fields;
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (k, v) in map.Children)
        {
            var name = (k as YamlScalarNode)?.Value ?? "";
            if (!seen.Add(name))
            {
                r.Context.Error(k, $"{r.Field("fields")}.{name}", "duplicate key");
                continue;
            }
            fields.Add(new(name, JiraYaml.Decode(v)));
        }
        return fields;
    }
}

/// <summary>A templated issue field; <see cref="EnableUpdate"/> false leaves it out of updates (null means true).</summary>
internal sealed record JiraFieldConfig(string Template, bool? EnableUpdate)
{
    public bool UpdateEnabled => EnableUpdate ?? true;
}

/// <summary><c>jira_api_url</c> under <c>global:</c>.</summary>
internal sealed record JiraDefaults(string? ApiUrl)
{
    public static readonly JiraDefaults None = new((string?)null);

    public static JiraDefaults Read(MapReader? g) => g is null ? None : new JiraDefaults(g.Url("jira_api_url"));
}
