using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Alerting.Configuration;
using Alerting.Core.Configuration;
using Alerting.Metrics;
using Microsoft.AspNetCore.RateLimiting;

namespace Alerting.Api;

/// <summary>Marks an endpoint that takes alerts, so that the ingestion limits apply to it.</summary>
internal sealed class IngestEndpoint
{
    public static readonly IngestEndpoint Instance = new();

    private IngestEndpoint()
    {
    }
}

/// <summary>
/// Flood protection for the endpoints that take alerts (<c>server.limits.ingest_*</c>): a token bucket and
/// a concurrency limit per client address, and a concurrency limit for the whole instance. A sender over
/// its limit gets 429 with Retry-After and costs little, so it cannot starve other senders or readers;
/// other endpoints are not limited. Limits follow the running configuration: a reload starts new buckets.
/// </summary>
internal static class IngestLimits
{
    public static TBuilder LimitedAsIngestion<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(IngestEndpoint.Instance);

    public static IServiceCollection AddIngestLimits(this IServiceCollection services) =>
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, PartitionKey>(PerSourceRate),
                PartitionedRateLimiter.Create<HttpContext, PartitionKey>(PerSourceConcurrency),
                PartitionedRateLimiter.Create<HttpContext, PartitionKey>(AllSourcesConcurrency));
            o.OnRejected = RejectAsync;
        });

    /// <summary>Which bucket a request draws from; the limits are part of the key so that a reload takes effect.</summary>
    private readonly record struct PartitionKey(string Kind, string Source, int Limit, int Burst);

    private static readonly PartitionKey Unlimited = new("none", "", 0, 0);

    private static RateLimitPartition<PartitionKey> PerSourceRate(HttpContext context)
    {
        if (Limits(context) is not { IngestRequestsPerSecond: > 0 } limits)
        {
            return RateLimitPartition.GetNoLimiter(Unlimited);
        }
        var rate = limits.IngestRequestsPerSecond;
        return RateLimitPartition.GetTokenBucketLimiter(new PartitionKey("rate", Source(context), rate, limits.IngestBurst), key =>
        {
            // Refill in tenths of a second rather than once a second, so a sender is not held for a whole second.
            var tokens = Math.Max(1, key.Limit / 10);
            return new TokenBucketRateLimiterOptions
            {
                TokenLimit = key.Burst,
                TokensPerPeriod = tokens,
                ReplenishmentPeriod = TimeSpan.FromSeconds(tokens / (double)key.Limit),
                QueueLimit = 0,
                AutoReplenishment = true,
            };
        });
    }

    private static RateLimitPartition<PartitionKey> PerSourceConcurrency(HttpContext context) =>
        Limits(context) is { IngestConcurrencyPerSource: > 0 } limits
            ? RateLimitPartition.GetConcurrencyLimiter(
                new PartitionKey("source", Source(context), limits.IngestConcurrencyPerSource, 0),
                key => new ConcurrencyLimiterOptions { PermitLimit = key.Limit, QueueLimit = 0 })
            : RateLimitPartition.GetNoLimiter(Unlimited);

    private static RateLimitPartition<PartitionKey> AllSourcesConcurrency(HttpContext context) =>
        Limits(context) is { IngestConcurrency: > 0 } limits
            ? RateLimitPartition.GetConcurrencyLimiter(
                new PartitionKey("all", "", limits.IngestConcurrency, 0),
                key => new ConcurrencyLimiterOptions { PermitLimit = key.Limit, QueueLimit = 0 })
            : RateLimitPartition.GetNoLimiter(Unlimited);

    /// <summary>The running limits for an ingestion endpoint, null for any other.</summary>
    private static LimitsConfig? Limits(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<IngestEndpoint>() is null
            ? null
            : context.RequestServices.GetRequiredService<ConfigHolder>().Current.Config.Server.Limits;

    /// <summary>
    /// The peer's address. Forwarded headers are not trusted: anyone could claim any address in them. Behind a
    /// proxy every sender shares the proxy's address, so raise the per-source limits there.
    /// </summary>
    private static string Source(HttpContext context) => context.Connection.RemoteIpAddress switch
    {
        null => "unknown",
        { IsIPv4MappedToIPv6: true } mapped => mapped.MapToIPv4().ToString(),
        IPAddress address => address.ToString(),
    };

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken ct)
    {
        var context = rejected.HttpContext;
        // A token bucket knows when the next token comes; a concurrency limit does not, so one second.
        var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after)
            ? Math.Max(1, (int)Math.Ceiling(after.TotalSeconds))
            : 1;
        context.RequestServices.GetRequiredService<AlertingMetrics>().IngestLimited.Inc();
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(
            System.Text.Json.JsonSerializer.Serialize($"too many alert requests (server.limits.ingest_*); retry after {seconds}s"), ct);
    }
}
