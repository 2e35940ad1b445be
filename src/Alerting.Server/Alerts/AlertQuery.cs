using Alerting.Configuration;
using Alerting.Core.Alerts;
using Alerting.Core.Inhibition;
using Alerting.Core.Labels;
using Alerting.Core.Matching;
using Alerting.Core.Silences;
using Alerting.Persistence;
using Route = Alerting.Core.Routing.Route;

namespace Alerting.Alerts;

/// <summary>An active alert with what the running configuration says about it right now.</summary>
internal sealed record AlertView(
    StoredAlert Stored,
    IReadOnlyList<Route> Routes,
    IReadOnlyList<string> Receivers,
    IReadOnlyList<string> SilencedBy,
    IReadOnlyList<string> InhibitedBy)
{
    public Alert Alert => Stored.Alert;

    public bool Suppressed => SilencedBy.Count > 0 || InhibitedBy.Count > 0;

    public string State => Suppressed ? "suppressed" : "active";
}

/// <summary>
/// Evaluates the active alerts against routes, silences and inhibit rules: the read side of
/// <c>GET /api/v2/alerts</c>, the alert groups and the alert metrics.
/// </summary>
internal sealed class AlertQuery(AlertReader alerts, SilenceStore silences, ConfigHolder config, TimeProvider time)
{
    /// <param name="labels">When given, only alerts these match are evaluated (all still count as inhibition sources).</param>
    public async Task<List<AlertView>> ActiveAsync(CancellationToken ct, Matchers? labels = null)
    {
        var now = time.GetUtcNow();
        var runtime = config.Current;
        var active = await alerts.ActiveAsync(now, ct);
        var activeSilences = (await silences.ActiveOrPendingAsync(now, ct))
            .Where(s => s.State(now) == SilenceState.Active)
            .ToList();
        return Evaluate(runtime, active, activeSilences, now, labels);
    }

    internal static List<AlertView> Evaluate(
        RuntimeConfig runtime, List<StoredAlert> active, List<Silence> activeSilences, DateTimeOffset now, Matchers? labels = null)
    {
        var inhibitor = new Inhibitor(runtime.InhibitRules, active.Select(a => a.Alert), now);
        var silences = new SilenceIndex(activeSilences);
        var result = new List<AlertView>(active.Count);
        foreach (var stored in active)
        {
            // Label filters first: routes, silences and inhibition are the costly part of a view.
            if (labels is null || labels.Matches(stored.Alert.Labels))
            {
                result.Add(View(runtime, stored, inhibitor, silences));
            }
        }
        result.Sort(static (a, b) => a.Alert.Fingerprint.CompareTo(b.Alert.Fingerprint));
        return result;
    }

    /// <summary>One active alert; <paramref name="inhibitor"/> holds the firing alerts that could inhibit it.</summary>
    internal static AlertView View(RuntimeConfig runtime, StoredAlert stored, Inhibitor inhibitor, SilenceIndex activeSilences)
    {
        var labels = stored.Alert.Labels;
        var routes = runtime.Route.Match(labels);
        var silences = activeSilences.Matching(labels);
        IReadOnlyList<string> silencedBy = silences.Count == 0 ? [] : [.. silences.Select(s => s.Id.ToString())];
        IReadOnlyList<string> inhibitedBy = inhibitor.InhibitedBy(labels) is { } fp ? [Fingerprint.Format(fp)] : [];
        return new AlertView(stored, routes, Receivers(routes), silencedBy, inhibitedBy);
    }

    // Most alerts take one route: its receiver alone, one list per route, without a set to make them distinct.
    private static IReadOnlyList<string> Receivers(IReadOnlyList<Route> routes) => routes.Count == 1
        ? routes[0].ReceiverAlone
        : [.. routes.Select(r => r.Receiver).Distinct(StringComparer.Ordinal)];
}
