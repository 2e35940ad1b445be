using Alerting.Core.Configuration;
using Alerting.Core.Labels;
using Alerting.Core.Matching;

namespace Alerting.Core.Routing;

/// <summary>
/// A node of the routing tree with its options resolved by inheritance, as Alertmanager 0.25's
/// dispatch.Route. Immutable once built.
/// </summary>
public sealed class Route
{
    /// <summary>Root defaults (dispatch.DefaultRouteOpts).</summary>
    public static readonly TimeSpan DefaultGroupWait = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan DefaultGroupInterval = TimeSpan.FromMinutes(5);

    public static readonly TimeSpan DefaultRepeatInterval = TimeSpan.FromHours(4);

    private static readonly IReadOnlySet<string> s_noLabels = new HashSet<string>(StringComparer.Ordinal);

    private readonly List<Route> _routes = [];
    private string? _key;
    private string? _id;

    private Route(RouteConfig config, Route? parent, int index)
    {
        Parent = parent;
        Index = index;
        Line = config.Line;

        Receiver = !string.IsNullOrEmpty(config.Receiver) ? config.Receiver : parent?.Receiver ?? "";
        if (config.GroupBy is not null)
        {
            GroupBy = new HashSet<string>(config.GroupBy, StringComparer.Ordinal);
            GroupByAll = false;
        }
        else
        {
            GroupBy = parent?.GroupBy ?? s_noLabels;
            GroupByAll = config.GroupByAll || (parent?.GroupByAll ?? false);
        }
        GroupWait = config.GroupWait ?? parent?.GroupWait ?? DefaultGroupWait;
        GroupInterval = config.GroupInterval ?? parent?.GroupInterval ?? DefaultGroupInterval;
        RepeatInterval = config.RepeatInterval ?? parent?.RepeatInterval ?? DefaultRepeatInterval;
        // Not inherited in 0.25: each route names its own intervals.
        MuteTimeIntervals = config.MuteTimeIntervals;
        ActiveTimeIntervals = config.ActiveTimeIntervals;
        Matchers = config.Matchers.Sorted();
        Continue = config.Continue;
        // Inherited like the intervals; an explicit empty list switches it off below.
        Escalation = config.Escalation ?? parent?.Escalation ?? [];
    }

    public Route? Parent { get; }

    /// <summary>Position among the parent's children; -1 for the root.</summary>
    public int Index { get; }

    /// <summary>Line of the route in the config file.</summary>
    public int Line { get; }

    public string Receiver { get; }

    public IReadOnlySet<string> GroupBy { get; }

    public bool GroupByAll { get; }

    public TimeSpan GroupWait { get; }

    public TimeSpan GroupInterval { get; }

    public TimeSpan RepeatInterval { get; }

    public bool Continue { get; }

    /// <summary>Sorted by name, value, type, as Alertmanager sorts route matchers (this shows in keys).</summary>
    public Matchers Matchers { get; }

    public IReadOnlyList<string> MuteTimeIntervals { get; }

    public IReadOnlyList<string> ActiveTimeIntervals { get; }

    /// <summary>The escalation steps of this route's groups, in order of <see cref="EscalationStepConfig.After"/>; empty when none.</summary>
    public IReadOnlyList<EscalationStepConfig> Escalation { get; }

    public IReadOnlyList<Route> Routes => _routes;

    public static Route Build(RouteConfig root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var tree = Build(root, null, -1);
        // Alertmanager's ID is not unique below siblings with identical matchers: their children with identical
        // matchers get the same one. Only those routes take an id built on their parent's, so the ids stored for
        // every other tree stay Alertmanager's. (A Key() segment is always {…}, never a bare index: no clash.)
        var clashing = tree.Walk().GroupBy(r => r.Id(), StringComparer.Ordinal).Where(g => g.Count() > 1).SelectMany(g => g).ToHashSet();
        foreach (var route in tree.Walk().Where(clashing.Contains))
        {
            route._id = $"{route.Parent!.Id()}/{route.Matchers}/{route.Index}";
        }
        return tree;
    }

    private static Route Build(RouteConfig config, Route? parent, int index)
    {
        var route = new Route(config, parent, index);
        for (var i = 0; i < config.Routes.Count; i++)
        {
            route._routes.Add(Build(config.Routes[i], route, i));
        }
        return route;
    }

    /// <summary>
    /// Depth-first, left to right: a matching node tries its children; after a matching child the later
    /// siblings are tried only if that child has continue; a node none of whose children match is itself the result.
    /// </summary>
    public IReadOnlyList<Route> Match(LabelSet labels)
    {
        var result = t_matched ??= [];
        result.Clear();
        MatchInto(labels, result);
        // Most alerts take one route: its own one-element list, not a new list per alert (reads route every alert).
        IReadOnlyList<Route> matched = result.Count == 1 ? result[0].Alone : [.. result];
        result.Clear();
        return matched;
    }

    [ThreadStatic]
    private static List<Route>? t_matched;

    /// <summary>This route as the whole result of a match: one list per route, read by every alert it takes.</summary>
    private IReadOnlyList<Route> Alone => field ??= [this];

    /// <summary>This route's receiver as a list of one, for readers that list the receivers of a one-route match.</summary>
    public IReadOnlyList<string> ReceiverAlone => field ??= [Receiver];

    private bool MatchInto(LabelSet labels, List<Route> result)
    {
        if (!Matchers.Matches(labels))
        {
            return false;
        }
        var before = result.Count;
        foreach (var child in _routes)
        {
            if (child.MatchInto(labels, result) && !child.Continue)
            {
                break;
            }
        }
        if (result.Count == before)
        {
            result.Add(this);
        }
        return true;
    }

    /// <summary>Alertmanager's Key(): the parent's key, "/", then this route's matchers; the root is <c>{}</c>.</summary>
    public string Key() => _key ??= Parent is null ? Matchers.ToString() : Parent.Key() + "/" + Matchers.ToString();

    /// <summary>
    /// Alertmanager's ID(): the key plus "/" and the position among siblings. Where that is not unique in the
    /// tree (see <see cref="Build(RouteConfig)"/>), the parent's id, this route's matchers and its position.
    /// </summary>
    public string Id() => _id ??= Parent is null ? Key() : $"{Key()}/{Index}";

    /// <summary>The labels an alert is grouped by here: the group_by subset (absent ones left out), or all with '...'.</summary>
    public LabelSet GroupLabels(LabelSet alertLabels) => GroupByAll ? alertLabels : alertLabels.Select(GroupBy);

    /// <summary>
    /// Alertmanager's aggregation group key, <c>{}/{team="x"}:{alertname="foo"}</c>: what receivers see (the webhook's
    /// <c>groupKey</c>), what the notification log is keyed by, and what the history is looked up by. Not unique to a
    /// group: sibling routes with the same matchers have the same <see cref="Key"/>; <see cref="GroupId"/> is.
    /// </summary>
    public string GroupKey(LabelSet groupLabels) => Key() + ":" + groupLabels.ToString();

    /// <summary>
    /// The identity of the aggregation group this route makes for these group labels. Alertmanager keeps groups per
    /// route (<c>aggrGroupsPerRoute[route][labels]</c>), so routes with the same <see cref="Key"/> still get a group
    /// each, while all of them show the same <see cref="GroupKey"/>.
    /// </summary>
    public AggregationGroupId GroupId(LabelSet groupLabels) => new(Id(), GroupKey(groupLabels));

    /// <summary>This route and all below it, depth-first, parents before children.</summary>
    public IEnumerable<Route> Walk()
    {
        var stack = new Stack<Route>();
        stack.Push(this);
        while (stack.Count > 0)
        {
            var route = stack.Pop();
            yield return route;
            for (var i = route._routes.Count - 1; i >= 0; i--)
            {
                stack.Push(route._routes[i]);
            }
        }
    }

    public override string ToString() => Id();
}

