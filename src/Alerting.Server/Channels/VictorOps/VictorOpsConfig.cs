using Alerting.Channels.Http;
using Alerting.Core.Configuration;

namespace Alerting.Channels.VictorOps;

/// <summary>
/// <c>victorops_configs</c>, as Alertmanager reads it. The API key and URL fall back to
/// <c>victorops_api_key(_file)</c> and <c>victorops_api_url</c>; the texts are Go templates.
/// </summary>
internal sealed record VictorOpsConfig : IntegrationConfig
{
    public const string DefaultMessageType = "CRITICAL";
    public const string DefaultStateMessage = """{{ template "victorops.default.state_message" . }}""";
    public const string DefaultEntityDisplayName = """{{ template "victorops.default.entity_display_name" . }}""";
    public const string DefaultMonitoringTool = """{{ template "victorops.default.monitoring_tool" . }}""";

    /// <summary>Fields of the payload that custom_fields may not set.</summary>
    public static readonly string[] ReservedFields =
        ["routing_key", "message_type", "state_message", "entity_display_name", "monitoring_tool", "entity_id", "entity_state"];

    public override string Kind => VictorOpsChannel.Name;

    public override bool SendResolved { get; init; } = true;

    public HttpClientConfig HttpConfig { get; init; } = HttpClientConfig.Default;

    public string? ApiKey { get; init; }

    public string? ApiKeyFile { get; init; }

    /// <summary>Always ends with "/": the key and the routing key are appended to its path.</summary>
    public string ApiUrl { get; init; } = VictorOpsDefaults.DefaultApiUrl;

    public string RoutingKey { get; init; } = "";

    public string MessageType { get; init; } = DefaultMessageType;

    public string StateMessage { get; init; } = DefaultStateMessage;

    public string EntityDisplayName { get; init; } = DefaultEntityDisplayName;

    public string MonitoringTool { get; init; } = DefaultMonitoringTool;

    public IReadOnlyList<KeyValuePair<string, string>> CustomFields { get; init; } = [];

    public static VictorOpsConfig Read(MapReader v, GlobalConfig global)
    {
        var defaults = global.DefaultsOf<VictorOpsDefaults>() ?? VictorOpsDefaults.None;
        var apiKey = v.String("api_key");
        var apiKeyFile = v.FilePath("api_key_file");
        var config = new VictorOpsConfig
        {
            SendResolved = v.Bool("send_resolved", true),
            HttpConfig = v.HttpConfig("http_config") ?? global.HttpConfig,
            ApiUrl = UrlPaths.WithTrailingSlash(v.Url("api_url") ?? defaults.ApiUrl),
            RoutingKey = v.String("routing_key") ?? "",
            MessageType = v.String("message_type") ?? DefaultMessageType,
            StateMessage = v.String("state_message") ?? DefaultStateMessage,
            EntityDisplayName = v.String("entity_display_name") ?? DefaultEntityDisplayName,
            MonitoringTool = v.String("monitoring_tool") ?? DefaultMonitoringTool,
            CustomFields = v.StringMap("custom_fields") ?? [],
            Line = LoadContext.Line(v.Node),
        };
        // Alertmanager's checks, in its order and words: the entry's own, then the globals it falls back to.
        var reserved = ReservedFields.FirstOrDefault(f => config.CustomFields.Any(c => c.Key == f));
        if (config.RoutingKey.Length == 0)
        {
            v.Error("routing_key", "missing Routing key in VictorOps config");
        }
        else if (!string.IsNullOrEmpty(apiKey) && !string.IsNullOrEmpty(apiKeyFile))
        {
            v.Error("api_key_file", "at most one of api_key & api_key_file must be configured");
        }
        else if (reserved is not null)
        {
            v.Error("custom_fields", $"victorOps config contains custom field {reserved} which cannot be used as it conflicts with the fixed/static fields");
        }
        else if (string.IsNullOrEmpty(apiKey) && string.IsNullOrEmpty(apiKeyFile))
        {
            if (defaults.ApiKey is null && defaults.ApiKeyFile is null)
            {
                v.Error("no global VictorOps API Key set");
            }
            (apiKey, apiKeyFile) = (defaults.ApiKey, defaults.ApiKeyFile);
        }
        v.Finish();
        return config with { ApiKey = apiKey, ApiKeyFile = apiKeyFile };
    }
}

/// <summary><c>victorops_api_url</c>, <c>victorops_api_key</c> and <c>victorops_api_key_file</c> under <c>global:</c>.</summary>
internal sealed record VictorOpsDefaults(string ApiUrl, string? ApiKey, string? ApiKeyFile)
{
    public const string DefaultApiUrl = "https://alert.victorops.com/integrations/generic/20131114/alert/";

    public static readonly VictorOpsDefaults None = new(DefaultApiUrl, null, null);

    public static VictorOpsDefaults Read(MapReader? g)
    {
        if (g is null)
        {
            return None;
        }
        var key = g.String("victorops_api_key");
        var file = g.FilePath("victorops_api_key_file");
        var defaults = new VictorOpsDefaults(g.Url("victorops_api_url") ?? DefaultApiUrl, string.IsNullOrEmpty(key) ? null : key, string.IsNullOrEmpty(file) ? null : file);
        g.AtMostOne("victorops_api_key", "victorops_api_key_file");
        return defaults;
    }
}
