using System.Net;
using Alerting.Api;
using Alerting.Cli;
using Alerting.Alerts;
using Alerting.Configuration;
using Alerting.Channels;
using Alerting.Channels.Http;
using Alerting.Grouping;
using Alerting.Links;
using Alerting.Notifications;
using MassTransit;
using Alerting.Metrics;
using Alerting.Persistence;
using Alerting.Persistence.Embedded;
using Alerting.Silences;
using Alerting.Templating;
using Alerting.Ui;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;
using Prometheus;

namespace Alerting.Hosting;

/// <summary>
/// Builds and runs one Alerting instance: configuration, database (embedded unless a URL is given),
/// migrations, and the HTTP endpoints. The CLI and the integration tests both start it through here.
/// </summary>
internal sealed class AlertingServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly EmbeddedPostgres? _embedded;

    private AlertingServer(WebApplication app, EmbeddedPostgres? embedded, Uri baseAddress)
    {
        _app = app;
        _embedded = embedded;
        BaseAddress = baseAddress;
    }

    /// <summary>The address it listens on, with the route prefix; ends with '/'.</summary>
    public Uri BaseAddress { get; }

    public IServiceProvider Services => _app.Services;

    /// <param name="logs">Receives every log line as well as the console (tests read what was logged).</param>
    public static async Task<AlertingServer> StartAsync(
        ServerOptions options, Action<IServiceCollection>? configureServices = null, CancellationToken ct = default, ILoggerProvider? logs = null)
    {
        // Fail on a bad configuration before anything else is started.
        var config = RuntimeConfig.From(ConfigLoader.LoadFile(options.ConfigFile, ChannelRegistry.All));
        var web = options.WebConfigFile is { Length: > 0 } webFile ? WebConfigLoader.LoadFile(webFile) : WebConfig.Plain;
        options = options with { Https = web.Tls is not null };

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.SetMinimumLevel(options.LogLevel switch
        {
            "debug" => LogLevel.Debug,
            "warn" => LogLevel.Warning,
            "error" => LogLevel.Error,
            _ => LogLevel.Information,
        });
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("MassTransit", LogLevel.Warning);
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
        }
        using var loggerFactory = LoggerFactory.Create(l =>
        {
            l.AddSimpleConsole().SetMinimumLevel(LogLevel.Information);
            if (logs is not null)
            {
                l.AddProvider(logs);
            }
        });
        var startLog = loggerFactory.CreateLogger("Alerting");
        var tls = web.Tls is null ? null : TlsListener.Start(web, loggerFactory.CreateLogger<TlsListener>());
        var (host, port) = ParseListenAddress(options.ListenAddress);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            void Configure(Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions listen)
            {
                listen.Protocols = web.Http2
                    ? Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http1AndHttp2
                    : Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http1;
                tls?.Configure(listen);
            }
            if (host is null)
            {
                k.ListenAnyIP(port, Configure);
            }
            else if (host == "localhost")
            {
                k.ListenLocalhost(port, Configure);
            }
            else
            {
                k.Listen(IPAddress.Parse(host), port, Configure);
            }
        });
        foreach (var warning in config.Config.Warnings)
        {
            startLog.LogWarning("{Warning}", warning);
        }

        EmbeddedPostgres? embedded = null;
        string connectionString;
        if (options.DatabaseUrl is { Length: > 0 } url)
        {
            connectionString = DatabaseUrl.ToConnectionString(url);
        }
        else
        {
            embedded = await EmbeddedPostgres.StartAsync(options.StoragePath, startLog, ct);
            connectionString = embedded.ConnectionString;
        }

        try
        {
            var app = Build(builder, options, config, web, connectionString, configureServices);
            tls?.UseLog(app.Services.GetRequiredService<ILogger<TlsListener>>());
            await MigrateAsync(app.Services, startLog, ct);
            await ReconcileGroupsAsync(app.Services, ct);
            await app.StartAsync(ct);
            app.Services.GetRequiredService<ConfigHolder>().ListenForSighup();

            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var baseUri = new Uri(address.Replace("[::]", "127.0.0.1").Replace("0.0.0.0", "127.0.0.1") + options.EffectiveRoutePrefix() + "/");
            startLog.LogInformation("Alerting listening on {Address}", baseUri);
            return new AlertingServer(app, embedded, baseUri);
        }
        catch
        {
            if (embedded is not null)
            {
                await embedded.DisposeAsync();
            }
            throw;
        }
    }

    private static WebApplication Build(WebApplicationBuilder builder, ServerOptions options, RuntimeConfig config, WebConfig web, string connectionString, Action<IServiceCollection>? configureServices)
    {
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        services.AddSingleton<AlertingMetrics>();
        services.AddSingleton(sp => new ConfigHolder(options.ConfigFile, ChannelRegistry.All, config, sp.GetRequiredService<AlertingMetrics>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ConfigHolder>>()));
        var instanceName = $"{Environment.MachineName}-{Environment.ProcessId}-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3))}";
        services.AddSingleton(sp => new InstanceInfo(instanceName, options.ListenAddress, sp.GetRequiredService<TimeProvider>().GetUtcNow()));
        services.AddSingleton(_ => new NpgsqlDataSourceBuilder(PooledConnectionString(connectionString)).Build());
        services.AddSingleton(_ => RelaxedDb.Create(connectionString));
        services.AddSingleton(_ => GenericPlanDb.Create(connectionString));
        services.AddPooledDbContextFactory<AlertingDbContext>((sp, o) => o.UseNpgsql(sp.GetRequiredService<NpgsqlDataSource>()));
        services.AddSingleton<DispatchSignal>();
        services.AddSingleton<ScheduleClock>();
        services.AddSingleton<GroupRouter>();
        services.AddSingleton<StoredAlertCache>();
        services.AddHostedService<StoredAlertListener>();
        services.AddSingleton<AlertWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<AlertWriter>());
        services.AddSingleton<AlertReader>();
        services.AddSingleton<HistoryReader>();
        services.AddSingleton<SilenceStore>();
        services.AddSingleton<AlertQuery>();
        services.AddSingleton<AlertIngestion>();
        services.AddSingleton<GrafanaIngestion>();
        services.AddSingleton<HttpClientProvider>();
        services.AddSingleton<RateLimiter>();
        services.AddSingleton<Notifiers>();
        services.AddSingleton<LinkSigner>();
        services.AddSingleton<LinkActions>();
        services.AddSingleton<Delivery>();
        // Before the bus: stopped after it, so the attempts it started from its waiting lines finish first.
        services.AddHostedService(sp => sp.GetRequiredService<Delivery>());
        services.AddHostedService<OutboxLeases>();
        services.AddSingleton<OutboxPublisher>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxPublisher>());
        services.AddSingleton<Retention>();
        services.AddHostedService(sp => sp.GetRequiredService<Retention>());
        services.AddTemplating();
        services.AddUi();
        services.AddSingleton<Dispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<Dispatcher>());
        services.AddIngestLimits();
        AddBus(services, options);
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase;
            o.SerializerOptions.Converters.Add(new DateTimeJson());
        });
        configureServices?.Invoke(services);

        var app = builder.Build();
        var metrics = app.Services.GetRequiredService<AlertingMetrics>();
        RegisterStateMetrics(app.Services, metrics);

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
        app.UseHttpMetrics(o => o.SetMetricFactory(metrics.Factory));
        app.UseRateLimiter();
        app.MapHealthApi();
        app.MapAlertsApi();
        app.MapSilencesApi();
        app.MapStatusApi();
        app.MapGrafanaApi();
        app.MapHistoryApi();
        app.MapTemplatesApi();
        app.MapUi();
        app.MapMetrics("/metrics", metrics.Registry);
        return app;
    }

    /// <summary>
    /// Nothing here changes session state, so a pooled connection needs no DISCARD ALL (a statement per batch) on
    /// reuse, and it keeps its prepared statements: the same few statements run on every request, flush and send,
    /// and re-planning them cost more than running them.
    /// </summary>
    internal static string PooledConnectionString(string connectionString, Action<NpgsqlConnectionStringBuilder>? more = null)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true, MaxAutoPrepare = 64, AutoPrepareMinUsages = 2 };
        more?.Invoke(builder);
        return builder.ConnectionString;
    }

    /// <summary>MassTransit carries "deliver outbox row N": in memory by default, RabbitMQ when a URL is given.</summary>
    private static void AddBus(IServiceCollection services, ServerOptions options)
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
            // Delivery.PerDestination of them), so 64 leave room for the other destinations.
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

    /// <summary>Gauges of current state are computed when Prometheus scrapes, from the store of truth.</summary>

    private static void RegisterStateMetrics(IServiceProvider services, AlertingMetrics metrics)
    {
        metrics.Registry.AddBeforeCollectCallback(async ct =>
        {
            try
            {
                var views = await services.GetRequiredService<AlertQuery>().ActiveAsync(ct);
                metrics.Alerts.WithLabels("active").Set(views.Count(v => !v.Suppressed));
                metrics.Alerts.WithLabels("suppressed").Set(views.Count(v => v.Suppressed));
                var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
                var silences = await services.GetRequiredService<SilenceStore>().ListAsync(ct);
                foreach (var state in Enum.GetValues<SilenceState>())
                {
                    metrics.Silences.WithLabels(state.ToString().ToLowerInvariant()).Set(silences.Count(s => s.State(now) == state));
                }
                await using var cmd = services.GetRequiredService<NpgsqlDataSource>().CreateCommand("""
                    SELECT (SELECT count(*) FROM aggregation_groups), (SELECT count(*) FROM outbox),
                           (SELECT coalesce(extract(epoch FROM $1 - min(created_at)), 0)::float8 FROM outbox)
                    """);
                cmd.Parameters.Add(new NpgsqlParameter { Value = now.UtcDateTime, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
                await using var reader = await cmd.ExecuteReaderAsync(ct);
                if (await reader.ReadAsync(ct))
                {
                    metrics.AggregationGroups.Set(reader.GetInt64(0));
                    metrics.OutboxDepth.Set(reader.GetInt64(1));
                    metrics.OutboxOldestAge.Set(reader.GetDouble(2));
                }

            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                // A scrape during a database outage still answers, with the last known values.
            }
        });
    }

    /// <summary>Groups follow the route tree of the configuration now running, at start and after each reload.</summary>
    private static async Task ReconcileGroupsAsync(IServiceProvider services, CancellationToken ct)
    {
        var router = services.GetRequiredService<GroupRouter>();
        var db = services.GetRequiredService<NpgsqlDataSource>();
        var time = services.GetRequiredService<TimeProvider>();
        await router.ReconcileAsync(db, time, ct);
        var log = services.GetRequiredService<ILogger<GroupRouter>>();
        services.GetRequiredService<ConfigHolder>().Reloaded += next => _ = Task.Run(async () =>
        {
            try
            {
                await router.ReconcileAsync(db, time, CancellationToken.None);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                log.LogError("Regrouping after reload failed; groups follow the new routes from the next restart or reload: {Error}", e.Message);
            }
        });
    }

    /// <summary>Any constant both instances agree on: the advisory lock that lets one instance migrate at a time.</summary>
    private const long MigrationLock = 0x616c_6572_7469_6e67; // "alerting"

    /// <summary>
    /// Applies EF Core migrations, waiting up to a minute for a database that is still starting. Instances started
    /// together on a fresh database take turns (an advisory lock): EF Core's migrator does not guard against that.
    /// </summary>
    private static async Task MigrateAsync(IServiceProvider services, ILogger log, CancellationToken ct)
    {
        var factory = services.GetRequiredService<IDbContextFactory<AlertingDbContext>>();
        var source = services.GetRequiredService<NpgsqlDataSource>();
        // Patience on the monotonic clock: a step of the wall clock neither ends nor stretches it.
        var started = TimeProvider.System.GetTimestamp();
        while (true)
        {
            try
            {
                // Held by this session until it closes, so a crash mid-migration releases it too.
                await using var lockConnection = await source.OpenConnectionAsync(ct);
                await using (var take = new NpgsqlCommand("SELECT pg_advisory_lock($1)", lockConnection))
                {
                    take.Parameters.Add(new NpgsqlParameter { Value = MigrationLock });
                    await take.ExecuteNonQueryAsync(ct);
                }
                await using var db = await factory.CreateDbContextAsync(ct);
                // EF's migrator first reads the history table and logs that read's failure on a fresh database as
                // an error; created beforehand (with EF's own script), there is no failure to log.
                await db.Database.ExecuteSqlRawAsync(db.GetService<IHistoryRepository>().GetCreateIfNotExistsScript(), ct);
                await db.Database.MigrateAsync(ct);
                await using (var release = new NpgsqlCommand("SELECT pg_advisory_unlock($1)", lockConnection))
                {
                    release.Parameters.Add(new NpgsqlParameter { Value = MigrationLock });
                    await release.ExecuteNonQueryAsync(ct);
                }
                return;
            }
            catch (NpgsqlException e) when (TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromMinutes(1) && e.IsTransient)
            {
                log.LogWarning("Database not reachable yet ({Error}); retrying", e.Message);
                await Task.Delay(TimeSpan.FromSeconds(2), ct);
            }
        }
    }

    internal static (string? Host, int Port) ParseListenAddress(string address)
    {
        var colon = address.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(address[(colon + 1)..], out var port) || port is < 0 or > 65535)
        {
            throw new UsageException($"--web.listen-address: \"{address}\" is not host:port (for example :9093 or 127.0.0.1:9093)");
        }
        var host = address[..colon].Trim('[', ']');
        if (host.Length > 0 && host != "localhost" && !IPAddress.TryParse(host, out _))
        {
            throw new UsageException($"--web.listen-address: host \"{host}\" must be an IP address or localhost");
        }
        return (host.Length == 0 ? null : host, port);
    }

    public Task WaitForShutdownAsync() => _app.WaitForShutdownAsync();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (_embedded is not null)
        {
            await _embedded.DisposeAsync();
        }
    }
}
