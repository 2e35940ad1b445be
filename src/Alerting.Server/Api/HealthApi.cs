using Alerting.Auth;
using Alerting.Configuration;
using Alerting.Persistence.Embedded;
using Npgsql;

namespace Alerting.Api;

/// <summary>Alertmanager's lifecycle endpoints: <c>/-/healthy</c>, <c>/-/ready</c> and <c>/-/reload</c>.</summary>
internal static class HealthApi
{
    public static void MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/-/healthy", ["GET", "HEAD"], Healthy).WithTags("management").WithSummary("Whether the process serves HTTP");
        app.MapMethods("/-/ready", ["GET", "HEAD"], Ready).WithTags("management").WithSummary("Whether the database answers");
        app.MapMethods("/-/reload", ["POST", "PUT"], Reload).RequireAccess(Permission.Write).WithTags("management")
            .WithSummary("Reload the configuration file");
        app.MapGet("/-/reload", () => TypedResults.Text("Only POST or PUT requests allowed", statusCode: StatusCodes.Status405MethodNotAllowed))
            .ExcludeFromDescription();
    }

    /// <summary>
    /// Healthy means the process serves HTTP; it does not depend on the database, which may come back by itself.
    /// The exception: the embedded PostgreSQL exited and could not be restarted, which restarting the process may mend.
    /// </summary>
    private static IResult Healthy(HttpContext context) =>
        context.RequestServices.GetService<EmbeddedPostgresSupervisor>() is { GaveUp: true } supervisor
            ? TypedResults.Text(
                $"unhealthy: the embedded PostgreSQL exited and {supervisor.FailuresInARow} restarts in a row failed",
                statusCode: StatusCodes.Status503ServiceUnavailable)
            : TypedResults.Text("OK");

    /// <summary>Ready means alerts posted now would be stored: the database answers a query.</summary>
    private static async Task<IResult> Ready(NpgsqlDataSource db, ILoggerFactory logs, CancellationToken ct)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            await using var cmd = db.CreateCommand("SELECT 1");
            await cmd.ExecuteScalarAsync(timeout.Token);
            return TypedResults.Text("OK");
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            // The driver's message names hosts, databases and users: it goes to the log, not to unauthenticated probes.
            logs.CreateLogger("Alerting.Api.HealthApi").LogWarning("Not ready: database unavailable: {Error}", e.Message);
            return TypedResults.Text("not ready: database unavailable", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    private static async Task<IResult> Reload(ConfigHolder config)
    {
        var error = await config.ReloadAsync();
        return error is null
            ? TypedResults.Text("OK")
            : TypedResults.Text($"failed to reload config: {error}", statusCode: StatusCodes.Status500InternalServerError);
    }
}
