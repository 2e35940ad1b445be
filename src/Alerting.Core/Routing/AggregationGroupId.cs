namespace Alerting.Core.Routing;

/// <summary>
/// Which aggregation group: the route's <see cref="Route.Id"/> and Alertmanager's group key. The key alone is not
/// enough, as sibling routes with identical matchers share it (see <see cref="Route.GroupId"/>).
/// </summary>
public readonly record struct AggregationGroupId(string RouteId, string GroupKey);
