using System.Text.RegularExpressions;
using Alerting.Configuration;
using Alerting.Core.Alerts;
using Alerting.Core.Configuration;
using Alerting.Core.Inhibition;
using Alerting.Core.Labels;
using Alerting.Core.Matching;
using Alerting.Core.Notifications;
using Alerting.Core.Silences;
using Alerting.Delivery;
using Alerting.Persistence;
using Alerting.Templating;
using Route = Alerting.Core.Routing.Route;

namespace Alerting.Ui.Pages;

/// <summary>
/// A route a tested label set matches, with the group it would join, the time intervals that apply to it, and what
/// each of its receiver's integrations would send (its templates rendered: Go or Scriban, as for a real message).
/// </summary>
internal sealed record RouteResult(Route Route, LabelSet GroupLabels, string GroupKey, IReadOnlyList<(string Name, string Kind, bool InEffectNow)> TimeIntervals)
{
    public IReadOnlyList<MessagePreview> Messages { get; init; } = [];
}

/// <summary>An inhibit rule whose target side matches the tested labels.</summary>
internal sealed record InhibitResult(InhibitRuleConfig Rule, string? InhibitedNowBy);

/// <summary>The route tree of the running configuration, and a tester: which routes, receivers, groups, timers, inhibit rules and silences apply to some labels.</summary>
internal sealed class RoutingModel(UiData data, SilenceStore silences, Notifiers notifiers, ServerOptions options) : UiPageModel
{
    public string Labels { get; private set; } = "";

    public string? Error { get; private set; }

    public LabelSet? Tested { get; private set; }

    public List<RouteResult> Matches { get; } = [];

    public HashSet<Route> Matched { get; } = [];

    /// <summary>Routes an alert passes through on its way to the ones that take it.</summary>
    public HashSet<Route> OnPath { get; } = [];

    public List<InhibitResult> Inhibitions { get; } = [];

    public List<Silence> Silences { get; } = [];

    public async Task OnGetAsync(string? labels, CancellationToken ct)
    {
        Labels = labels?.Trim() ?? "";
        if (Labels.Length == 0)
        {
            return;
        }
        Matchers parsed;
        try
        {
            parsed = data.Syntax.ParseMatchers(Labels, "web");
        }
        catch (MatcherException e)
        {
            Fail(e.Message);
            return;
        }
        if (parsed.FirstOrDefault(m => m.Type != Core.Matching.MatchType.Equal) is { } notEqual)
        {
            Fail(T.Format("Give labels as name=\"value\"; {0} is a matcher, not a label.", notEqual));
            return;
        }
        var set = LabelSet.From(parsed.Select(m => new KeyValuePair<string, string>(m.Name, m.Value)));
        Tested = set;
        var runtime = Runtime;
        try
        {
            foreach (var route in runtime.Route.Match(set))
            {
                var groupLabels = route.GroupLabels(set);
                var intervals = route.MuteTimeIntervals.Select(n => (n, "mute", InEffect(runtime.Config, n)))
                    .Concat(route.ActiveTimeIntervals.Select(n => (n, "active", InEffect(runtime.Config, n))))
                    .ToList();
                Matches.Add(new RouteResult(route, groupLabels, route.GroupKey(groupLabels), intervals)
                {
                    Messages = Messages(runtime.Config, route, set, groupLabels),
                });
                Matched.Add(route);
                for (var r = route.Parent; r is not null; r = r.Parent)
                {
                    OnPath.Add(r);
                }
            }

            var active = await data.AlertsAsync(resolved: false, ct);
            var inhibitor = new Inhibitor(runtime.InhibitRules, active.Select(a => a.Alert), Now);
            var now = inhibitor.InhibitedBy(set) is { } fp ? Fingerprint.Format(fp) : null;
            foreach (var rule in runtime.Config.InhibitRules.Where(r => r.TargetMatchers.Matches(set)))
            {
                Inhibitions.Add(new InhibitResult(rule, now));
            }
            Silences.AddRange((await silences.ActiveOrPendingAsync(Now, ct)).Where(s => s.Matchers.Matches(set)));
        }
        catch (RegexMatchTimeoutException)
        {
            Fail(T["A regular expression took too long to match."]);
        }
    }

    /// <summary>Who the receiver notifies, as the notification log names them: <c>wecom[0], feishu[0]</c>.</summary>
    public string IntegrationsOf(string receiver) =>
        Runtime.Config.FindReceiver(receiver) is { } r ? string.Join(", ", Channels.Integrations.Of(r).Select(i => i.Name)) : "";

    /// <summary>The tested labels as one alert firing since now, sent to the route's receiver with placeholder action links.</summary>
    private IReadOnlyList<MessagePreview> Messages(AlertingConfig config, Route route, LabelSet labels, LabelSet groupLabels)
    {
        if (config.FindReceiver(route.Receiver) is not { } receiver)
        {
            return [];
        }
        var externalUrl = options.EffectiveExternalUrl();
        var alert = new Alert(labels, LabelSet.Empty, Now, Now.AddMinutes(5), "", Now, false);
        var notification = NotificationData.Create(receiver.Name, route.GroupKey(groupLabels), groupLabels, [alert], externalUrl, Now);
        return MessagePreviews.For(notifiers, receiver, notification, ActionLinks.Placeholder(externalUrl));
    }

    private bool InEffect(AlertingConfig config, string name) => config.FindTimeInterval(name)?.Contains(Now) == true;

    private void Fail(string message)
    {
        Error = message;
        Tested = null;
        Response.StatusCode = StatusCodes.Status400BadRequest;
    }
}

internal sealed record RouteNodeView(UiText T, Route Route, HashSet<Route> Matched, HashSet<Route> OnPath);
