using Alerting.Core.Configuration;
using Alerting.Core.Inhibition;
using Alerting.GoTemplates;
using Route = Alerting.Core.Routing.Route;

namespace Alerting.Configuration;

/// <summary>A loaded configuration with the structures built from it, swapped atomically on reload.</summary>
/// <param name="GoTemplates">Alertmanager's templates and the config's Go template files, parsed once per load.</param>
internal sealed record RuntimeConfig(AlertingConfig Config, Route Route, IReadOnlyList<InhibitRule> InhibitRules, GoTemplateSet GoTemplates)
{
    /// <summary>
    /// Throws <see cref="ConfigException"/> when a Go template file does not parse. A file that parses only with
    /// sprig's functions (which Alertmanager refuses) is a warning: DingTalk, WeCom and Feishu alone see it.
    /// </summary>
    public static RuntimeConfig From(AlertingConfig config)
    {
        var templates = GoTemplateFiles.Load(config.Templates);
        if (templates.SprigOnlyFiles.Count > 0)
        {
            config = config with
            {
                Warnings = [.. config.Warnings, .. templates.SprigOnlyFiles.Select(f =>
                    $"{f}: templates: calls functions Alertmanager does not have (sprig's): only DingTalk, WeCom and Feishu fields see its templates (Alertmanager refuses this file)")],
            };
        }
        return new(
            config,
            Route.Build(config.RootRoute),
            [.. config.InhibitRules.Select(r => new InhibitRule(r.SourceMatchers, r.TargetMatchers, r.Equal))],
            templates);
    }
}
