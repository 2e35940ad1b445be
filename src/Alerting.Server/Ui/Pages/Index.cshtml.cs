using System.Text.RegularExpressions;
using Alerting.Core.Labels;
using Alerting.Core.Matching;
using Alerting.Templating;

namespace Alerting.Ui.Pages;

/// <summary>
/// An aggregation group as the routing makes it: one route (so one receiver), one set of group labels. Sibling routes
/// with identical matchers share the key but make a group each.
/// </summary>
internal sealed record UiGroup(string Key, string RouteId, string Receiver, LabelSet Labels, List<UiAlert> Alerts)
{
    public string DomId => UiFormat.DomId(Key + "\0" + RouteId);

    public Core.Routing.AggregationGroupId Id => new(RouteId, Key);
}

/// <summary>The alerts page: what fires now, grouped as the routing groups it, with why each is or is not notified.</summary>
internal sealed class IndexModel(UiData data, Escalation.EscalationChains chains) : UiPageModel
{
    public static readonly string[] States = ["firing", "pending", "suppressed", "acknowledged", "resolved"];

    public string Filter { get; private set; } = "";

    public string StateFilter { get; private set; } = "";

    public string ReceiverFilter { get; private set; } = "";

    public string? FilterError { get; private set; }

    public List<UiGroup> Groups { get; } = [];

    /// <summary>The latest escalation chain of each shown group that has one.</summary>
    public IReadOnlyDictionary<Core.Routing.AggregationGroupId, Escalation.EscalationChain> Chains { get; private set; } =
        new Dictionary<Core.Routing.AggregationGroupId, Escalation.EscalationChain>();

    public int AlertCount { get; private set; }

    /// <summary>How many alerts the page shows at most; a filter narrows a larger set.</summary>
    public const int MaxShown = 1000;

    /// <summary>How many alerts were left out to stay within <see cref="MaxShown"/>.</summary>
    public int LeftOut { get; private set; }

    public IEnumerable<string> ReceiverNames => Runtime.Config.Receivers.Select(r => r.Name);

    public async Task OnGetAsync(string? filter, string? state, string? receiver, CancellationToken ct)
    {
        Filter = filter?.Trim() ?? "";
        StateFilter = States.Contains(state) ? state! : "";
        ReceiverFilter = receiver ?? "";
        var matchers = Matchers.None;
        if (Filter.Length > 0)
        {
            try
            {
                matchers = data.Syntax.ParseMatchers(Filter, "web");
            }
            catch (MatcherException e)
            {
                FilterError = e.Message;
                Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }
        }

        var alerts = await data.AlertsAsync(StateFilter == "resolved", ct);
        try
        {
            Build(alerts, matchers);
        }
        catch (RegexMatchTimeoutException)
        {
            FilterError = T["A regular expression took too long to match."];
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        Chains = await chains.ForGroupsAsync(Groups.Select(g => g.Id), ct);
    }

    private void Build(List<UiAlert> alerts, Matchers matchers)
    {
        var groups = new Dictionary<Core.Routing.AggregationGroupId, UiGroup>();
        var seen = new HashSet<ulong>(alerts.Count);
        foreach (var alert in alerts)
        {
            if (!matchers.Matches(alert.Alert.Labels) || !StateMatches(alert))
            {
                continue;
            }
            foreach (var route in alert.Routes)
            {
                if (ReceiverFilter.Length > 0 && route.Receiver != ReceiverFilter)
                {
                    continue;
                }
                var labels = route.GroupLabels(alert.Alert.Labels);
                var id = route.GroupId(labels);
                if (!groups.TryGetValue(id, out var group))
                {
                    groups[id] = group = new UiGroup(id.GroupKey, id.RouteId, route.Receiver, labels, []);
                }
                group.Alerts.Add(alert);
                seen.Add(alert.Alert.Fingerprint);
            }
        }
        AlertCount = seen.Count;
        foreach (var group in groups.Values)
        {
            group.Alerts.Sort((a, b) => b.Alert.StartsAt.CompareTo(a.Alert.StartsAt));
        }
        // Groups with something firing come first, then by receiver and labels.
        var shown = 0;
        foreach (var group in groups.Values
            .OrderByDescending(g => g.Alerts.Any(a => a.State == "firing"))
            .ThenBy(g => g.Receiver, StringComparer.Ordinal)
            .ThenBy(g => g.Labels.ToString(), StringComparer.Ordinal)
            .ThenBy(g => g.RouteId, StringComparer.Ordinal))
        {
            if (shown >= MaxShown)
            {
                LeftOut += group.Alerts.Count;
                continue;
            }
            if (shown + group.Alerts.Count > MaxShown)
            {
                LeftOut += shown + group.Alerts.Count - MaxShown;
                group.Alerts.RemoveRange(MaxShown - shown, group.Alerts.Count - (MaxShown - shown));
            }
            shown += group.Alerts.Count;
            Groups.Add(group);
        }
    }

    private bool StateMatches(UiAlert alert) => StateFilter switch
    {
        "" or "resolved" => true,
        "acknowledged" => alert.AcknowledgedAt is not null,
        _ => alert.State == StateFilter,
    };

    public string Query(string? filter = null, string? state = null, string? receiver = null)
    {
        var parts = new List<string>();
        void Add(string name, string value)
        {
            if (value.Length > 0)
            {
                parts.Add($"{name}={Uri.EscapeDataString(value)}");
            }
        }
        Add("filter", filter ?? Filter);
        Add("state", state ?? StateFilter);
        Add("receiver", receiver ?? ReceiverFilter);
        return parts.Count == 0 ? "" : "?" + string.Join("&", parts);
    }

    public static string SilenceLink(IEnumerable<KeyValuePair<string, string>> labels) => "silences/new?matchers=" + Uri.EscapeDataString(UiFormat.EqualMatchers(labels));

    /// <summary>Where to look next: the generator, Grafana's dashboard and panel, the runbook.</summary>
    public static IEnumerable<(string Title, string Url)> Links(UiAlert alert)
    {
        if (IsWeb(alert.Alert.GeneratorUrl))
        {
            yield return ("Source", alert.Alert.GeneratorUrl);
        }
        if (GrafanaLinks.FromExtra(alert.Stored.Extra) is { } grafana)
        {
            if (IsWeb(grafana.DashboardUrl))
            {
                yield return ("Dashboard", grafana.DashboardUrl!);
            }
            if (IsWeb(grafana.PanelUrl))
            {
                yield return ("Panel", grafana.PanelUrl!);
            }
        }
        foreach (var name in new[] { "runbook_url", "runbook" })
        {
            if (IsWeb(alert.Alert.Annotations.Get(name)))
            {
                yield return ("Runbook", alert.Alert.Annotations.Get(name));
                break;
            }
        }
    }

    /// <summary>Only http(s) links are rendered: a javascript: URL in an annotation must not become a link.</summary>
    public static bool IsWeb(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
