using Alerting.Configuration;
using Alerting.Metrics;
using Alerting.Persistence;
using Alerting.Persistence.Embedded;
using Npgsql;

namespace Alerting.Hosting;

/// <summary>The embedded cluster in the host: its supervisor, its metrics, and fresh connection pools after a restart.</summary>
internal static class EmbeddedPostgresHosting
{
    /// <summary>Registered before the other hosted services, so it stops last: shutdown's last writes may need a restart too.</summary>
    public static void AddEmbeddedPostgres(this IServiceCollection services, EmbeddedPostgres postgres, ServerOptions options)
    {
        services.AddSingleton(sp => new EmbeddedPostgresSupervisor(
            postgres, options.EmbeddedRestartAttempts, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<EmbeddedPostgresSupervisor>>()));
        services.AddHostedService(sp => sp.GetRequiredService<EmbeddedPostgresSupervisor>());
    }

    public static void UseEmbeddedPostgres(this IServiceProvider services)
    {
        if (services.GetService<EmbeddedPostgresSupervisor>() is not { } supervisor)
        {
            return;
        }

        var metrics = services.GetRequiredService<AlertingMetrics>();
        var restarts = metrics.Factory.CreateCounter(
            "alerting_embedded_postgres_restarts_total", "Restarts of the embedded PostgreSQL after its postmaster exited.");
        var failures = metrics.Factory.CreateCounter(
            "alerting_embedded_postgres_restart_failures_total", "Attempts to restart the embedded PostgreSQL that failed.");
        var up = metrics.Factory.CreateGauge("alerting_embedded_postgres_up", "1 while the embedded PostgreSQL's postmaster runs, else 0.");
        metrics.Registry.AddBeforeCollectCallback(() =>
        {
            restarts.IncTo(supervisor.Restarts);
            failures.IncTo(supervisor.Failures);
            up.Set(supervisor.Up ? 1 : 0);
        });

        // Pooled connections to the dead server fail at their next use: drop them all at once instead.
        var pools = new[]
        {
            services.GetRequiredService<NpgsqlDataSource>(),
            services.GetRequiredService<RelaxedDb>().Source,
            services.GetRequiredService<RelaxedDb>().GenericPlans,
            services.GetRequiredService<GenericPlanDb>().Source,
        };
        supervisor.Restarted += () =>
        {
            foreach (var pool in pools)
            {
                pool.Clear();
            }
        };
    }
}
