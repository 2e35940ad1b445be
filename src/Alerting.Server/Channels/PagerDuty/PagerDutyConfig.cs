using Alerting.Channels.Http;
using Alerting.Core.Configuration;

namespace Alerting.Channels.PagerDuty;

/// <summary>
/// <c>pagerduty_configs</c>, as Alertmanager reads it: a service_key (Events API v1) or a routing_key (v2), each
/// inline or in a file; every text is a Go template. Defaults are Alertmanager's, templates included.
/// </summary>
internal sealed record PagerDutyConfig : IntegrationConfig
{
    public const string DefaultDescription = """{{ template "pagerduty.default.description" .}}""";
    public const string DefaultClient = """{{ template "pagerduty.default.client" . }}""";
    public const string DefaultClientUrl = """{{ template "pagerduty.default.clientURL" . }}""";

    /// <summary>Alertmanager 0.25's DefaultPagerdutyDetails, added under any key the config leaves out.</summary>
    public static readonly IReadOnlyList<KeyValuePair<string, PagerDutyDetail>> DefaultDetails =
    [
        new("firing", new PagerDutyDetail.TemplateDetail("""{{ template "pagerduty.default.instances" .Alerts.Firing }}""")),
        new("resolved", new PagerDutyDetail.TemplateDetail("""{{ template "pagerduty.default.instances" .Alerts.Resolved }}""")),
        new("num_firing", new PagerDutyDetail.TemplateDetail("{{ .Alerts.Firing | len }}")),
        new("num_resolved", new PagerDutyDetail.TemplateDetail("{{ .Alerts.Resolved | len }}")),
    ];

    public override string Kind => PagerDutyChannel.Name;

    public override bool SendResolved { get; init; } = true;

    public HttpClientConfig HttpConfig { get; init; } = HttpClientConfig.Default;

    public string? ServiceKey { get; init; }

    public string? ServiceKeyFile { get; init; }

    public string? RoutingKey { get; init; }

    public string? RoutingKeyFile { get; init; }

    /// <summary>The Events API v2 endpoint; v1 (service_key) always posts to PagerDuty's fixed v1 URL, as Alertmanager does.</summary>
    public string Url { get; init; } = PagerDutyDefaults.DefaultUrl;

    public string Client { get; init; } = DefaultClient;

    public string ClientUrl { get; init; } = DefaultClientUrl;

    public string Description { get; init; } = DefaultDescription;

    /// <summary>In file order, the defaults after the keys the file sets; the payload sorts them as Go's map does.</summary>
    public IReadOnlyList<KeyValuePair<string, PagerDutyDetail>> Details { get; init; } = DefaultDetails;

    public IReadOnlyList<PagerDutyImage> Images { get; init; } = [];

    public IReadOnlyList<PagerDutyLink> Links { get; init; } = [];

    /// <summary>Defaults to <see cref="Client"/>'s template, as Alertmanager does.</summary>
    public string Source { get; init; } = DefaultClient;

    /// <summary>Empty means "error", PagerDuty's severity when none is given.</summary>
    public string Severity { get; init; } = "";

    public string Class { get; init; } = "";

    public string Component { get; init; } = "";

    public string Group { get; init; } = "";

    /// <summary>Newer Alertmanagers' <c>timeout</c>: the bound of one attempt; null or zero leaves the notifier's default.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Events API v1: Alertmanager picks it whenever a service key is configured.</summary>
    public bool IsV1 => !string.IsNullOrEmpty(ServiceKey) || !string.IsNullOrEmpty(ServiceKeyFile);

    public static PagerDutyConfig Read(MapReader p, GlobalConfig global)
    {
        var defaults = global.DefaultsOf<PagerDutyDefaults>() ?? PagerDutyDefaults.None;
        var client = p.String("client") ?? DefaultClient;
        var source = p.String("source");
        var config = new PagerDutyConfig
        {
            SendResolved = p.Bool("send_resolved", true),
            HttpConfig = p.HttpConfig("http_config") ?? global.HttpConfig,
            ServiceKey = p.String("service_key"),
            ServiceKeyFile = p.FilePath("service_key_file"),
            RoutingKey = p.String("routing_key"),
            RoutingKeyFile = p.FilePath("routing_key_file"),
            Url = p.Url("url") ?? defaults.Url,
            Client = client,
            ClientUrl = p.String("client_url") ?? DefaultClientUrl,
            Description = p.String("description") ?? DefaultDescription,
            Details = ReadDetails(p),
            Images = [.. p.MapList("images").Select(e => ReadImage(e.Item))],
            Links = [.. p.MapList("links").Select(e => ReadLink(e.Item))],
            Source = string.IsNullOrEmpty(source) ? client : source,
            Severity = p.String("severity") ?? "",
            Class = p.String("class") ?? "",
            Component = p.String("component") ?? "",
            Group = p.String("group") ?? "",
            Timeout = GoDuration.Read(p, "timeout"),
            Line = LoadContext.Line(p.Node),
        };
        // Alertmanager's checks, in its order and words.
        if (!p.Has("routing_key") && !p.Has("service_key") && !p.Has("routing_key_file") && !p.Has("service_key_file"))
        {
            p.Error("missing service or routing key in PagerDuty config");
        }
        else if (p.Has("routing_key") && p.Has("routing_key_file"))
        {
            p.Error("routing_key_file", "at most one of routing_key & routing_key_file must be configured");
        }
        else if (p.Has("service_key") && p.Has("service_key_file"))
        {
            p.Error("service_key_file", "at most one of service_key & service_key_file must be configured");
        }
        p.Finish();
        return config;
    }

    /// <summary>
    /// The file's details, then Alertmanager's defaults for keys it leaves out. A scalar is a template whose
    /// output is sent as a string (Alertmanager 0.25); a mapping or list (newer Alertmanagers) keeps its shape.
    /// </summary>
    private static List<KeyValuePair<string, PagerDutyDetail>> ReadDetails(MapReader p)
    {
        var details = new List<KeyValuePair<string, PagerDutyDetail>>();
        if (p.Map("details") is { } map)
        {
            foreach (var key in map.Keys.ToList())
            {
                details.Add(new(key, PagerDutyDetail.Read(map, key)));
            }
            map.Finish();
        }
        details.AddRange(DefaultDetails.Where(d => !details.Any(x => x.Key == d.Key)));
        return details;
    }

    private static PagerDutyImage ReadImage(MapReader i)
    {
        var image = new PagerDutyImage(i.String("src") ?? "", i.String("alt") ?? "", i.String("href") ?? "");
        i.Finish();
        return image;
    }

    private static PagerDutyLink ReadLink(MapReader l)
    {
        var link = new PagerDutyLink(l.String("href") ?? "", l.String("text") ?? "");
        l.Finish();
        return link;
    }
}

/// <summary>An image of a v2 event; each part a template. Images whose src renders empty are left out.</summary>
internal sealed record PagerDutyImage(string Src, string Alt, string Href);

/// <summary>A link of a v2 event; each part a template. Links whose href renders empty are left out.</summary>
internal sealed record PagerDutyLink(string Href, string Text);

/// <summary><c>pagerduty_url</c> under <c>global:</c>: the default v2 endpoint of every PagerDuty config.</summary>
internal sealed record PagerDutyDefaults(string Url)
{
    public const string DefaultUrl = "https://events.pagerduty.com/v2/enqueue";

    public static readonly PagerDutyDefaults None = new(DefaultUrl);

    public static PagerDutyDefaults Read(MapReader? g) => g?.Url("pagerduty_url") is { } url ? new(url) : None;
}
