using System.Collections.Concurrent;
using Alerting.Core.Routing;

namespace Alerting.Grouping;

/// <summary>
/// The trace of the last request that put an alert into each group, so that the group's next flush, decided later by a
/// dispatcher pass, continues that trace. In memory: after a restart, or when another instance flushes the group, the
/// flush starts a trace of its own (the outbox row then carries that one to the sends).
/// </summary>
internal sealed class GroupTraces
{
    /// <summary>Groups are flushed and forgotten within group_wait; a bound keeps a flood of new groups from growing this.</summary>
    private const int MaxGroups = 100_000;

    private readonly ConcurrentDictionary<(string Route, string Key), string> _traces = new();

    public void Remember(IReadOnlyList<string> routes, IReadOnlyList<string> keys, string? traceParent)
    {
        if (traceParent is null)
        {
            return;
        }
        if (_traces.Count >= MaxGroups)
        {
            _traces.Clear();
        }
        for (var i = 0; i < keys.Count; i++)
        {
            _traces[(routes[i], keys[i])] = traceParent;
        }
    }

    /// <summary>The trace that last touched the group, forgotten here: the flush continues it once.</summary>
    public string? Take(AggregationGroupId group) => _traces.TryRemove((group.RouteId, group.GroupKey), out var trace) ? trace : null;
}
