using System.Net;
using Alerting.Channels;
using Alerting.Cli;
using Alerting.Configuration;
using Alerting.Core.Configuration;
using Alerting.Grouping;
using Alerting.Persistence;
using Alerting.Persistence.Embedded;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

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
        var config = RuntimeConfig.From(ConfigLoader.LoadFile(options.ConfigFile, ChannelRegistry.All, new Core.Matching.MatcherSyntax(options.MatcherMode)));
        var web = options.WebConfigFile is { Length: > 0 } webFile ? WebConfigLoader.LoadFile(webFile) : WebConfig.Plain;
        options = options with { Https = web.Tls is not null };

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.AddAlertingConsole(options).SetMinimumLevel(LoggingSetup.Level(options.LogLevel));
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("MassTransit", LogLevel.Warning);
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
        }
        using var loggerFactory = LoggerFactory.Create(l =>
        {
            l.AddAlertingConsole(options).SetMinimumLevel(LoggingSetup.Level(options.LogLevel));
            if (logs is not null)
            {
                l.AddProvider(logs);
            }
        });
        var startLog = loggerFactory.CreateLogger("Alerting");
        var tls = web.Tls is null ? null : TlsListener.Start(web, loggerFactory.CreateLogger<TlsListener>());
        var (host, port) = CommandLine.ParseListenAddress(options.ListenAddress);
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
            connectionString = ConnectionUrl.ToConnectionString(url);
        }
        else
        {
            embedded = await EmbeddedPostgres.StartAsync(options.StoragePath, startLog, ct);
            connectionString = embedded.ConnectionString;
        }

        try
        {
            if (embedded is not null)
            {
                builder.Services.AddEmbeddedPostgres(embedded, options);
            }

            builder.Services.AddAlerting(options, config, connectionString);
            builder.Services.AddAlertingTracing(config.Config.Tracing, Environment.GetEnvironmentVariable);
            configureServices?.Invoke(builder.Services);
            var app = builder.Build();
            StateMetrics.Register(app.Services);
            app.Services.UseEmbeddedPostgres();
            app.UseAlerting(options, web);
            tls?.UseLog(app.Services.GetRequiredService<ILogger<TlsListener>>());
            // The checkpoint only matters after the migrations wrote something; a start on an up-to-date schema skips both.
            if (await SchemaMigrator.MigrateAsync(app.Services, startLog, ct) && embedded is not null)
            {
                await embedded.CheckpointAsync(ct);
            }

            await app.Services.GetRequiredService<Reconciliation>().StartAsync(ct);
            // Before the listener: once /-/ready answers, a SIGHUP must reload (it was ignored until this line ran).
            app.Services.GetRequiredService<ConfigHolder>().ListenForSighup();
            await app.StartAsync(ct);

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

    public Task WaitForShutdownAsync() => _app.WaitForShutdownAsync();

    /// <summary>Runs the service until it is asked to stop (SIGTERM, Ctrl+C).</summary>
    public static async Task RunAsync(ServerOptions options)
    {
        await using var server = await StartAsync(options);
        await server.WaitForShutdownAsync();
    }

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
