using Alerting.Api;
using Alerting.Configuration;
using Alerting.Core.Configuration;
using Alerting.Metrics;
using Alerting.Ui;
using Prometheus;

namespace Alerting.Hosting;

/// <summary>The HTTP pipeline: route prefix, configured headers, error handling, metrics, limits, then the endpoints.</summary>
internal static class Endpoints
{
    public static void UseAlerting(this WebApplication app, ServerOptions options, WebConfig web)
    {
        var prefix = options.EffectiveRoutePrefix();
        if (prefix.Length > 0)
        {
            app.UsePathBase(prefix);
        }
        if (web.Headers.Count > 0)
        {
            app.Use((context, next) =>
            {
                foreach (var (name, value) in web.Headers)
                {
                    context.Response.Headers[name] = value;
                }
                return next(context);
            });
        }
        app.UseMiddleware<ErrorHandling>();
        app.UseMiddleware<Auth.CrossSiteGuard>();
        var metrics = app.Services.GetRequiredService<AlertingMetrics>();
        app.UseHttpMetrics(o => o.SetMetricFactory(metrics.Factory));
        app.UseRateLimiter();
        app.MapHealthApi();
        app.MapAlertsApi();
        app.MapSilencesApi();
        app.MapStatusApi();
        app.MapV1Api();
        app.MapGrafanaApi();
        app.MapHistoryApi();
        app.MapInsightsApi();
        app.MapTemplatesApi();
        app.MapApiDocument();
        app.MapUi();
        app.MapMetrics("/metrics", metrics.Registry);
    }
}
