using Alerting.Grouping;
using Alerting.Persistence;
using Microsoft.AspNetCore.Mvc;
using Route = Alerting.Core.Routing.Route;

namespace Alerting.Ui.Pages;

/// <summary>One entry of an alert's timeline: a state change, or a send attempt to a receiver's integration.</summary>
internal sealed record UiTimelineEntry(DateTimeOffset At, string Kind, string Title, string? Detail, string Css);

/// <summary>One alert: its data, the routes it matches, and everything that happened to it, newest first.</summary>
internal sealed class AlertModel(UiData data, HistoryReader history, Acknowledgements acknowledgements, Escalation.EscalationChains chains) : UiPageModel
{
    public UiAlert? Alert { get; private set; }

    public string Fingerprint { get; private set; } = "";

    public List<UiTimelineEntry> Timeline { get; } = [];

    public List<(string GroupKey, string Receiver, DateTimeOffset? AcknowledgedAt)> Groups { get; private set; } = [];

    public string? Notice { get; private set; }

    /// <summary>The latest escalation chain of each of the alert's groups that has one.</summary>
    public IReadOnlyDictionary<Core.Routing.AggregationGroupId, Escalation.EscalationChain> Chains { get; private set; } =
        new Dictionary<Core.Routing.AggregationGroupId, Escalation.EscalationChain>();

    public Core.Routing.AggregationGroupId GroupOf(Route route) => route.GroupId(route.GroupLabels(Alert!.Alert.Labels));

    public async Task<IActionResult> OnGetAsync(string fingerprint, string? done, CancellationToken ct)
    {
        if (!await LoadAsync(fingerprint, ct))
        {
            return NotFound();
        }
        Notice = done == "acknowledged" ? T["Acknowledged. No repeat notifications until a new alert joins the group or it resolves."] : null;
        return Page();
    }

    /// <summary>Acknowledges one of the alert's groups (operators only: the access filter checks every POST).</summary>
    public async Task<IActionResult> OnPostAcknowledgeAsync(string fingerprint, [FromForm] string groupKey, [FromForm] string? receiver, CancellationToken ct)
    {
        var who = HttpContext.Request.Cookies[SilenceEditModel.AuthorCookie] is { Length: > 0 } author ? author : "someone in the UI";
        await acknowledgements.AcknowledgeAsync(groupKey, receiver, who, ct);
        return Redirect(Href($"alerts/{fingerprint}?done=acknowledged"));
    }

    public IEnumerable<(Route Route, string GroupKey)> Routes =>
        Alert is null ? [] : Alert.Routes.Select(r => (r, r.GroupKey(r.GroupLabels(Alert.Alert.Labels))));

    private async Task<bool> LoadAsync(string fingerprint, CancellationToken ct)
    {
        if (!Core.Labels.Fingerprint.TryParse(fingerprint, out var fp))
        {
            return false;
        }
        Fingerprint = Core.Labels.Fingerprint.Format(fp);
        Alert = await data.AlertAsync(fp, ct);
        if (Alert is null)
        {
            return false;
        }
        Groups = await data.GroupsOfAsync(fp, ct);
        Chains = await chains.ForGroupsAsync(Alert.Routes.Select(GroupOf), ct);
        var query = new HistoryQuery(500, NewestFirst: true, Fingerprint: fp);
        foreach (var e in await history.EventsAsync(query, ct))
        {
            Timeline.Add(new UiTimelineEntry(e.At, "event", T[e.Event], e.Detail, e.Event));
        }
        foreach (var a in await history.AttemptsAsync(query, ct))
        {
            var detail = string.Join(" · ", new[]
            {
                a.StatusCode is { } code ? $"HTTP {code}" : null,
                $"{a.LatencyMs:0} ms",
                a.Reason is { Length: > 0 } reason ? T[reason] : null,
                a.Error,
            }.Where(s => s is not null));
            Timeline.Add(new UiTimelineEntry(a.At, "attempt", T.Format("{0} to {1} / {2}", T[a.Outcome], a.Receiver, a.Integration), detail, a.Outcome));
        }
        Timeline.Sort((x, y) => y.At.CompareTo(x.At));
        return true;
    }
}
