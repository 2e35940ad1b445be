using Alerting.Alerts;
using Alerting.Api;
using Alerting.Channels;
using Alerting.Channels.Http;
using Alerting.Configuration;
using Alerting.Delivery;
using Alerting.Escalation;
using Alerting.Flushing;
using Alerting.Grouping;
using Alerting.Ingestion;
using Alerting.Insights;
using Alerting.Links;
using Alerting.Metrics;
using Alerting.Outbox;
using Alerting.Persistence;
using Alerting.Retention;
using Alerting.Templating;
using Alerting.Ui;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Npgsql;

using Alerting.Core.Matching;

namespace Alerting.Hosting;

/// <summary>
/// The composition root's service registrations. Hosted services start in the order they are registered and stop in
/// the reverse order: the bus stops first, then the dispatcher, ..., delivery (which lets its attempts finish), the writer.
/// </summary>
internal static class Services
{
    public static void AddAlerting(this IServiceCollection services, ServerOptions options, RuntimeConfig config, string connectionString)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddApiDocument();
        services.AddSingleton(options);
        services.AddSingleton(_ =>
        {
            var metrics = new AlertingMetrics();
            metrics.InitializeIntegrations(ChannelRegistry.All.Select(c => c.Kind));
            metrics.ListenToRuntime();
            return metrics;
        });
        // How label names and matchers are read (--enable-feature); what the API and UI parse warns in the log.
        services.AddSingleton(sp =>
        {
            var log = sp.GetRequiredService<ILoggerFactory>().CreateLogger("Alerting.Matchers");
            return new MatcherSyntax(options.MatcherMode, warning => log.LogWarning("{Warning}", warning));
        });
        services.AddSingleton(sp => new ConfigHolder(options.ConfigFile, ChannelRegistry.All, sp.GetRequiredService<MatcherSyntax>(), config,
            sp.GetRequiredService<AlertingMetrics>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ConfigHolder>>()));
        var instanceName = $"{Environment.MachineName}-{Environment.ProcessId}-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3))}";
        services.AddSingleton(sp => new InstanceInfo(instanceName, options.ListenAddress, sp.GetRequiredService<TimeProvider>().GetUtcNow()));
        services.AddSingleton(_ => new NpgsqlDataSourceBuilder(DatabaseConnections.Pooled(connectionString)).Build());
        services.AddSingleton(_ => RelaxedDb.Create(connectionString));
        services.AddSingleton(_ => GenericPlanDb.Create(connectionString));
        services.AddPooledDbContextFactory<AlertingDbContext>((sp, o) => o.UseNpgsql(sp.GetRequiredService<NpgsqlDataSource>()));
        services.AddSingleton<DispatchSignal>();
        services.AddSingleton<ScheduleClock>();
        services.AddSingleton<GroupRouter>();
        services.AddSingleton<GroupTraces>();
        services.AddSingleton<Reconciliation>();
        services.AddSingleton<Acknowledgements>();
        services.AddSingleton<StoredAlertCache>();
        services.AddHostedService<StoredAlertListener>();
        services.AddSingleton<InlineFlush>();
        services.AddSingleton<BatchWriter>();
        services.AddSingleton<AlertWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<AlertWriter>());
        services.AddSingleton<AlertReader>();
        services.AddSingleton<HistoryReader>();
        services.AddSingleton<InsightsRollups>();
        services.AddSingleton<InsightsQueries>();
        services.AddSingleton<SilenceStore>();
        services.AddSingleton<AlertQuery>();
        services.AddSingleton<AlertIngestion>();
        services.AddSingleton<GrafanaIngestion>();
        services.AddSingleton<HttpClientProvider>();
        services.AddSingleton<RateLimiter>();
        services.AddSingleton<Notifiers>();
        services.AddSingleton<LinkSigner>();
        services.AddSingleton<LinkActions>();
        services.AddSingleton<OutboxStore>();
        services.AddSingleton<OutcomeWriter>();
        services.AddSingleton<AttemptLog>();
        services.AddSingleton<InFlightRows>();
        services.AddSingleton<StoreRetry>();
        services.AddSingleton<DestinationPipelines>();
        services.AddSingleton<DestinationGates>();
        services.AddSingleton<MessagePreparer>();
        services.AddSingleton<Redelivery>();
        services.AddSingleton<AttemptRunner>();
        services.AddSingleton<Deliverer>();
        services.AddSingleton<IOutboxSender>(sp => sp.GetRequiredService<Deliverer>());
        // Before the bus: stopped after it, so the attempts it started from its waiting lines finish first.
        services.AddHostedService(sp => sp.GetRequiredService<Deliverer>());
        services.AddHostedService<OutboxLeases>();
        services.AddSingleton<OutboxPublisher>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxPublisher>());
        services.AddSingleton<RetentionCollector>();
        services.AddHostedService(sp => sp.GetRequiredService<RetentionCollector>());
        services.AddTemplating(ChannelRegistry.Templates);
        services.AddUi(options.KeyEncryptionFile);
        services.AddSingleton<DueGroups>();
        services.AddSingleton<FlushDecisions>();
        services.AddSingleton<FlushCommitter>();
        services.AddSingleton<Dispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<Dispatcher>());
        services.AddSingleton<EscalationSteps>();
        services.AddSingleton<EscalationChains>();
        services.AddHostedService<EscalationScheduler>();
        services.AddIngestLimits();
        services.AddBus(options);
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase;
            o.SerializerOptions.Converters.Add(new DateTimeJson());
        });
    }

    /// <summary>MassTransit carries "deliver outbox row N": in memory by default, RabbitMQ when a URL is given.</summary>
    private static void AddBus(this IServiceCollection services, ServerOptions options)
    {
        // A consumer makes one attempt and records its outcome (retries are deferred, not waited for), so shutdown
        // lets the attempts under way finish and be recorded: cut off, they would be sent again. 25 s covers the
        // channels' own timeouts (webhook 10 s by default) within the host's 30 s shutdown timeout.
        services.AddOptions<MassTransitHostOptions>().Configure(o => o.ConsumerStopTimeout = TimeSpan.FromSeconds(25));
        services.AddMassTransit(bus =>
        {
            // MassTransit would otherwise report the bus layout to its vendor's server: no calls home.
            bus.DisableUsageTelemetry();
            // Slots are held only for one attempt (retries are deferred, and one destination takes at most
            // DestinationGates.PerDestination of them), so 64 leave room for the other destinations.
            bus.AddConsumer<DeliverNotificationConsumer>(c => c.UseConcurrentMessageLimit(64));
            bus.AddConfigureEndpointsCallback((_, _, endpoint) =>
            {
                endpoint.PrefetchCount = 64;
                endpoint.ConcurrentMessageLimit = 64;
            });
            if (options.RabbitMqUrl is { Length: > 0 } url)
            {
                bus.UsingRabbitMq((ctx, cfg) =>
                {
                    cfg.Host(new Uri(url));
                    cfg.ConfigureEndpoints(ctx);
                });
            }
            else
            {
                bus.UsingInMemory((ctx, cfg) => cfg.ConfigureEndpoints(ctx));
            }
        });
    }
}
