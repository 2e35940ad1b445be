using Alerting.Core.Configuration;
using Alerting.Core.Inhibition;
using Route = Alerting.Core.Routing.Route;

namespace Alerting.Configuration;

/// <summary>A loaded configuration with the structures built from it, swapped atomically on reload.</summary>
internal sealed record RuntimeConfig(AlertingConfig Config, Route Route, IReadOnlyList<InhibitRule> InhibitRules)
{
    public static RuntimeConfig From(AlertingConfig config) => new(
        config,
        Route.Build(config.RootRoute),
        [.. config.InhibitRules.Select(r => new InhibitRule(r.SourceMatchers, r.TargetMatchers, r.Equal))]);
}
