using Alerting.Core.Configuration;
using Alerting.Core.Inhibition;
using Alerting.GoTemplates;
using Route = Alerting.Core.Routing.Route;

namespace Alerting.Configuration;

/// <summary>A loaded configuration with the structures built from it, swapped atomically on reload.</summary>
/// <param name="GoTemplates">Alertmanager's templates and the config's Go template files, parsed once per load.</param>
internal sealed record RuntimeConfig(AlertingConfig Config, Route Route, IReadOnlyList<InhibitRule> InhibitRules, GoTemplateSet GoTemplates)
{
    /// <summary>Throws <see cref="ConfigException"/> when a Go template file does not parse.</summary>
    public static RuntimeConfig From(AlertingConfig config) => new(
        config,
        Route.Build(config.RootRoute),
        [.. config.InhibitRules.Select(r => new InhibitRule(r.SourceMatchers, r.TargetMatchers, r.Equal))],
        GoTemplateFiles.Load(config.Templates));
}
