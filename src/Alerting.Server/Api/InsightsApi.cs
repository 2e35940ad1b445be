using System.Globalization;
using Alerting.Auth;
using Alerting.Insights;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Alerting.Api;

/// <summary>
/// Our addition: where the noise comes from, over the last 24h, 7d or 30d (the same report as the UI's insights page).
/// See docs/api.md ("Insights") for each figure.
/// </summary>
internal static class InsightsApi
{
    public static void MapInsightsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v2/insights").WithTags("insights (ours)");
        group.MapGet("", Read).RequireAccess(Permission.Read)
            .WithSummary("Ours: noisiest alerts and groups, flapping alerts, times to acknowledge and resolve, sends per channel and day, unused silences; period is 24h (default), 7d or 30d");
    }

    private static async Task<Results<Ok<InsightsReport>, BadRequest<string>>> Read(
        string? period, [FromQuery(Name = "flapping_min")] string? flappingMin, InsightsQueries insights, CancellationToken ct)
    {
        if (InsightsPeriod.Parse(period) is not { } chosen)
        {
            return TypedResults.BadRequest($"unknown period \"{period}\": use 24h, 7d or 30d");
        }
        var cycles = InsightsQueries.DefaultFlappingCycles;
        if (!string.IsNullOrEmpty(flappingMin)
            && (!int.TryParse(flappingMin, NumberStyles.None, CultureInfo.InvariantCulture, out cycles) || cycles is < 1 or > 10_000))
        {
            return TypedResults.BadRequest($"flapping_min \"{flappingMin}\" is not a whole number from 1 to 10000");
        }
        return TypedResults.Ok(await insights.ReadAsync(chosen, ct, cycles));
    }
}
