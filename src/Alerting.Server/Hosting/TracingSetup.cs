using Alerting.Channels.Http;
using Alerting.Core.Configuration;
using Alerting.Telemetry;
using MassTransit.Logging;
using Npgsql;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Alerting.Hosting;

/// <summary>
/// OpenTelemetry tracing as Alertmanager configures it: the config file's <c>tracing:</c> section, else the standard
/// OTEL_* environment variables; off when neither names an endpoint. Spans: ours (Telemetry.AlertingActivities),
/// MassTransit's, ASP.NET Core's, HttpClient's (every channel send) and Npgsql's.
/// </summary>
internal static class TracingSetup
{
    /// <summary>The service name, unless OTEL_SERVICE_NAME gives another.</summary>
    public const string ServiceName = "alerting";

    /// <summary>Whether spans are exported: an endpoint in the config or in OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT, and OTEL_SDK_DISABLED not true.</summary>
    public static bool Enabled(TracingConfig? config, Func<string, string?> env) =>
        !string.Equals(env("OTEL_SDK_DISABLED"), "true", StringComparison.OrdinalIgnoreCase)
        && (config is not null || !string.IsNullOrEmpty(env("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")) || !string.IsNullOrEmpty(env("OTEL_EXPORTER_OTLP_ENDPOINT")));

    public static void AddAlertingTracing(this IServiceCollection services, TracingConfig? config, Func<string, string?> env)
    {
        if (!Enabled(config, env))
        {
            return;
        }
        services.AddOpenTelemetry()
            .ConfigureResource(r =>
            {
                if (string.IsNullOrEmpty(env("OTEL_SERVICE_NAME")))
                {
                    r.AddService(ServiceName, serviceVersion: System.Reflection.CustomAttributeExtensions.GetCustomAttribute<System.Reflection.AssemblyInformationalVersionAttribute>(typeof(TracingSetup).Assembly)?.InformationalVersion);
                }
            })
            .WithTracing(t =>
            {
                t.AddSource(AlertingActivities.SourceName, DiagnosticHeaders.DefaultListenerName)
                    .AddAspNetCoreInstrumentation(o =>
                    {
                        o.Filter = http => !IsScrape(http.Request.Path.Value);
                        o.EnrichWithHttpRequest = (activity, request) => RedactActionToken(activity, request.Path.Value);
                    })
                    // A receiver's URL often is its secret (Slack, Discord and Teams webhooks, DingTalk's access_token):
                    // a span names only where it went.
                    .AddHttpClientInstrumentation(o => o.EnrichWithHttpRequestMessage = (activity, request) =>
                    {
                        if (request.RequestUri is { IsAbsoluteUri: true } uri)
                        {
                            activity.SetTag("url.full", uri.GetLeftPart(UriPartial.Authority) + "/");
                        }
                    })
                    .AddNpgsql();
                if (config is null)
                {
                    t.AddOtlpExporter(); // OTEL_EXPORTER_OTLP_* and OTEL_TRACES_SAMPLER*, read by the SDK
                    return;
                }
                // Alertmanager's sampler: what a caller sampled is recorded, of new traces the fraction.
                t.SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(config.SamplingFraction)));
                t.AddOtlpExporter(o => Configure(o, config));
            });
    }

    /// <summary>A signed action link's path is its credential; the span keeps the route, not the token.</summary>
    private static void RedactActionToken(System.Diagnostics.Activity activity, string? path)
    {
        var at = path?.IndexOf("/action/", StringComparison.Ordinal) ?? -1;
        if (at >= 0)
        {
            activity.SetTag("url.path", path![..(at + "/action/".Length)] + "{token}");
            activity.SetTag("url.query", null);
        }
    }

    /// <summary>Scrapes and probes would bury the notifications' traces.</summary>
    private static bool IsScrape(string? path) => path is not null
        && (path.EndsWith("/metrics", StringComparison.Ordinal) || path.EndsWith("/-/healthy", StringComparison.Ordinal) || path.EndsWith("/-/ready", StringComparison.Ordinal));

    /// <summary>Alertmanager's getClient: host:port, https unless insecure; OTLP/HTTP posts to /v1/traces.</summary>
    internal static void Configure(OtlpExporterOptions o, TracingConfig config)
    {
        var http = config.ClientType == "http";
        o.Protocol = http ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
        o.Endpoint = Endpoint(config);
        if (config.Compression == "gzip")
        {
            o.Compression = OtlpExportCompression.GZip;
        }
        if (config.Timeout > TimeSpan.Zero)
        {
            o.TimeoutMilliseconds = (int)Math.Min(int.MaxValue, config.Timeout.TotalMilliseconds);
        }
        if (config.Headers.Count > 0)
        {
            // The OTLP header format (W3C baggage-like): values percent-encoded, so commas and '=' survive.
            o.Headers = string.Join(",", HeaderValues(config).Select(h => $"{h.Name}={Uri.EscapeDataString(h.Value)}"));
        }
        if (http && config.TlsConfig is { } tls && !config.Insecure)
        {
            o.HttpClientFactory = () =>
            {
                var sockets = new SocketsHttpHandler();
                TlsSetup.Apply(sockets.SslOptions, tls);
                return new HttpClient(sockets) { Timeout = Timeout.InfiniteTimeSpan };
            };
        }
    }

    internal static Uri Endpoint(TracingConfig config)
    {
        if (config.Endpoint.Contains("://", StringComparison.Ordinal))
        {
            return new Uri(config.Endpoint);
        }
        var scheme = config.Insecure ? "http" : "https";
        return new Uri(config.ClientType == "http" ? $"{scheme}://{config.Endpoint}/v1/traces" : $"{scheme}://{config.Endpoint}");
    }

    /// <summary>Each header's first value, as Alertmanager's headersToMap: a value, else a secret, else a file's content.</summary>
    internal static IEnumerable<(string Name, string Value)> HeaderValues(TracingConfig config)
    {
        foreach (var h in config.Headers)
        {
            if (h.Values.Count > 0)
            {
                yield return (h.Name, h.Values[0]);
            }
            else if (h.Secrets.Count > 0)
            {
                yield return (h.Name, h.Secrets[0]);
            }
            else if (h.Files.Count > 0)
            {
                yield return (h.Name, File.ReadAllText(h.Files[0]).TrimEnd('\r', '\n'));
            }
        }
    }
}
