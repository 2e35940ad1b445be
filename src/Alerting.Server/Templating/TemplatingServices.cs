using Alerting.Configuration;
using Alerting.Metrics;

namespace Alerting.Templating;

internal static class TemplatingServices
{
    /// <summary>The renderer, with the config's override files, reloaded whenever the config is.</summary>
    public static IServiceCollection AddTemplating(this IServiceCollection services, TemplateCatalog catalog) =>
        services.AddSingleton(sp =>
        {
            var config = sp.GetRequiredService<ConfigHolder>();
            var renderer = new TemplateRenderer(
                sp.GetRequiredService<AlertingMetrics>(),
                sp.GetRequiredService<ILogger<TemplateRenderer>>(),
                catalog,
                sp.GetService<TemplateOptions>());
            renderer.LoadOverrides(config.Current.Config.Templates);
            config.Reloaded += next => renderer.LoadOverrides(next.Config.Templates);
            return renderer;
        });
}
