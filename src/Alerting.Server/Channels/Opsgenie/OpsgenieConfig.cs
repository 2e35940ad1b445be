using System.Text.RegularExpressions;
using Alerting.Channels.Http;
using Alerting.Core.Configuration;
using Alerting.GoTemplates;

namespace Alerting.Channels.Opsgenie;

/// <summary>
/// <c>opsgenie_configs</c>, as Alertmanager reads it. The API key and URL fall back to <c>opsgenie_api_key(_file)</c>
/// and <c>opsgenie_api_url</c>; every text (the key included) is a Go template.
/// </summary>
internal sealed partial record OpsgenieConfig : IntegrationConfig
{
    public const string DefaultMessage = """{{ template "opsgenie.default.message" . }}""";
    public const string DefaultDescription = """{{ template "opsgenie.default.description" . }}""";
    public const string DefaultSource = """{{ template "opsgenie.default.source" . }}""";
    public const string ValidTypes = "^(team|teams|user|escalation|schedule)$";

    public override string Kind => OpsgenieChannel.Name;

    public override bool SendResolved { get; init; } = true;

    public HttpClientConfig HttpConfig { get; init; } = HttpClientConfig.Default;

    public string? ApiKey { get; init; }

    public string? ApiKeyFile { get; init; }

    /// <summary>Always ends with "/": Alertmanager appends <c>v2/alerts</c> to its path.</summary>
    public string ApiUrl { get; init; } = OpsgenieDefaults.DefaultApiUrl;

    public string Message { get; init; } = DefaultMessage;

    public string Description { get; init; } = DefaultDescription;

    public string Source { get; init; } = DefaultSource;

    /// <summary>Templates by key, besides the common labels every alert carries as details.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Details { get; init; } = [];

    public string Entity { get; init; } = "";

    public IReadOnlyList<OpsgenieResponder> Responders { get; init; } = [];

    /// <summary>A comma-separated list after templating.</summary>
    public string Actions { get; init; } = "";

    /// <summary>A comma-separated list after templating.</summary>
    public string Tags { get; init; } = "";

    public string Note { get; init; } = "";

    public string Priority { get; init; } = "";

    /// <summary>Also update the message and description of an alert that is already open (two more requests).</summary>
    public bool UpdateAlerts { get; init; }

    [GeneratedRegex(ValidTypes)]
    private static partial Regex TypePattern();

    [GeneratedRegex(@"^P[1-5]\z")]
    private static partial Regex PriorityPattern();

    public static OpsgenieConfig Read(MapReader o, GlobalConfig global)
    {
        var defaults = global.DefaultsOf<OpsgenieDefaults>() ?? OpsgenieDefaults.None;
        var responders = new List<OpsgenieResponder>();
        foreach (var (r, _) in o.MapList("responders"))
        {
            var responder = new OpsgenieResponder(r.String("id") ?? "", r.String("name") ?? "", r.String("username") ?? "", r.String("type") ?? "");
            r.Finish();
            responders.Add(responder);
        }
        var apiKey = o.String("api_key");
        var apiKeyFile = o.FilePath("api_key_file");
        var config = new OpsgenieConfig
        {
            SendResolved = o.Bool("send_resolved", true),
            HttpConfig = o.HttpConfig("http_config") ?? global.HttpConfig,
            ApiUrl = UrlPaths.WithTrailingSlash(o.Url("api_url") ?? defaults.ApiUrl),
            Message = o.String("message") ?? DefaultMessage,
            Description = o.String("description") ?? DefaultDescription,
            Source = o.String("source") ?? DefaultSource,
            Details = o.StringMap("details") ?? [],
            Entity = o.String("entity") ?? "",
            Responders = responders,
            Actions = o.String("actions") ?? "",
            Tags = o.String("tags") ?? "",
            Note = o.String("note") ?? "",
            Priority = o.String("priority") ?? "",
            UpdateAlerts = o.Bool("update_alerts", false),
            Line = LoadContext.Line(o.Node),
        };
        // Alertmanager's checks, in its order and words: the entry's own, then the globals it falls back to.
        if (!string.IsNullOrEmpty(apiKey) && !string.IsNullOrEmpty(apiKeyFile))
        {
            o.Error("api_key_file", "at most one of api_key & api_key_file must be configured");
        }
        else if (CheckResponders(o, responders) && string.IsNullOrEmpty(apiKey) && string.IsNullOrEmpty(apiKeyFile))
        {
            if (defaults.ApiKey is null && defaults.ApiKeyFile is null)
            {
                o.Error("no global OpsGenie API Key set either inline or in a file");
            }
            (apiKey, apiKeyFile) = (defaults.ApiKey, defaults.ApiKeyFile);
        }
        if (config.Priority.Length > 0 && !config.Priority.Contains("{{", StringComparison.Ordinal) && !PriorityPattern().IsMatch(config.Priority))
        {
            // Alertmanager sends any priority; Opsgenie knows P1 to P5 only.
            o.Context.Warn(o.KeyNode("priority"), o.Field("priority"), $"priority \"{config.Priority}\" is not one of P1, P2, P3, P4, P5");
        }
        o.Finish();
        return config with { ApiKey = apiKey, ApiKeyFile = apiKeyFile };
    }

    /// <summary>Each responder names someone, and a literal type is one Opsgenie knows (any case).</summary>
    private static bool CheckResponders(MapReader o, List<OpsgenieResponder> responders)
    {
        for (var i = 0; i < responders.Count; i++)
        {
            var r = responders[i];
            if (r.Id.Length == 0 && r.Username.Length == 0 && r.Name.Length == 0)
            {
                o.ItemError("responders", i, $"opsGenieConfig responder {r.GoString()} has to have at least one of id, username or name specified");
                return false;
            }
            // A templated type is only known at send time; Alertmanager checks that it parses.
            if (r.Type.Contains("{{", StringComparison.Ordinal))
            {
                try
                {
                    GoTemplateSet.Default.Check(r.Type);
                }
                catch (GoTemplateException e)
                {
                    o.ItemError("responders", i, $"opsGenieConfig responder {r.GoString()} type contains invalid template syntax: {e.Message}");
                    return false;
                }
            }
            else if (!TypePattern().IsMatch(r.Type.ToLowerInvariant()))
            {
                o.ItemError("responders", i, $"opsGenieConfig responder {r.GoString()} type does not match valid options {ValidTypes}");
                return false;
            }
        }
        return true;
    }
}

/// <summary>A responder; each part a template. Type <c>teams</c> expands a comma-separated name into one team each.</summary>
internal sealed record OpsgenieResponder(string Id, string Name, string Username, string Type)
{
    /// <summary>Go's %v of the struct, as Alertmanager's messages print it: <c>{id name username type}</c>.</summary>
    public string GoString() => $"{{{Id} {Name} {Username} {Type}}}";
}

/// <summary><c>opsgenie_api_url</c>, <c>opsgenie_api_key</c> and <c>opsgenie_api_key_file</c> under <c>global:</c>.</summary>
internal sealed record OpsgenieDefaults(string ApiUrl, string? ApiKey, string? ApiKeyFile)
{
    public const string DefaultApiUrl = "https://api.opsgenie.com/";

    public static readonly OpsgenieDefaults None = new(DefaultApiUrl, null, null);

    public static OpsgenieDefaults Read(MapReader? g)
    {
        if (g is null)
        {
            return None;
        }
        var defaults = new OpsgenieDefaults(g.Url("opsgenie_api_url") ?? DefaultApiUrl, NullIfEmpty(g.String("opsgenie_api_key")), NullIfEmpty(g.FilePath("opsgenie_api_key_file")));
        g.AtMostOne("opsgenie_api_key", "opsgenie_api_key_file");
        return defaults;
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
