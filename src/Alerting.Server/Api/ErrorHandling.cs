using Alerting.Ingestion;
using Alerting.Metrics;
using Microsoft.AspNetCore.Http.Features;
using Npgsql;

namespace Alerting.Api;

/// <summary>
/// Turns failures into answers a client can act on: bad input is 400/413 with the reason (422 where Alertmanager's API spec refuses it), a database
/// outage is 503 with Retry-After (never a 200 for alerts that were not stored), anything else a 500.
/// </summary>
internal sealed class ErrorHandling(RequestDelegate next, ILogger<ErrorHandling> log)
{
    public async Task InvokeAsync(HttpContext context, Configuration.ConfigHolder config, AlertingMetrics metrics)
    {
        // The body limit follows the running configuration, so a reload can change it.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = config.Current.Config.Server.Limits.MaxBodyBytes;
        }
        // Filters and silence previews run callers' regexes: their total time is bounded. Ingestion runs only the config's.
        using var regexBudget = IsIngestion(context.Request) ? null : Core.Matching.RegexBudget.Start(Core.Matching.RegexBudget.PerRequest, throwWhenExhausted: true);
        try
        {
            await next(context);
        }
        catch (Core.Matching.RegexBudgetExceededException e) when (!context.Response.HasStarted)
        {
            await WriteAsync(context, StatusCodes.Status400BadRequest, e.Message);
        }
        catch (BadInputException e) when (!context.Response.HasStarted)
        {
            await WriteAsync(context, e.StatusCode, e.Message);
        }
        catch (UnprocessableException e) when (!context.Response.HasStarted)
        {
            context.Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            context.Response.ContentType = "application/json";
            // Go's encoding/json, as go-openapi writes it: quotes as \", not \u0022.
            var body = new System.Text.StringBuilder("{\"code\":").Append(e.Code).Append(",\"message\":");
            Core.Notifications.GoJson.WriteString(body, e.Message);
            await context.Response.WriteAsync(body.Append('}').ToString());
        }
        catch (AlertsRefusedException e) when (!context.Response.HasStarted)
        {
            await WriteAsync(context, StatusCodes.Status400BadRequest, e.Message);
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            var message = e.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? $"request body too large (limit {config.Current.Config.Server.Limits.MaxBodyBytes} bytes)"
                : e.Message;
            await WriteAsync(context, e.StatusCode, message);
        }
        catch (Exception e) when (IsStoreOutage(e) && !context.Response.HasStarted)
        {
            metrics.StoreFailures.Inc();
            log.LogWarning("Refusing {Method} {Path}: database unavailable: {Error}", context.Request.Method, context.Request.Path, e.Message);
            context.Response.Headers.RetryAfter = "5";
            await WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "database unavailable, the request was not completed; send it again later");
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nothing to answer.
        }
    }

    private static bool IsIngestion(HttpRequest request) =>
        !HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method)
        && (request.Path.StartsWithSegments("/api/grafana") || request.Path.Value?.EndsWith("/alerts", StringComparison.Ordinal) == true);

    private static bool IsStoreOutage(Exception e) =>
        e is StoreUnavailableException or NpgsqlException or TimeoutException
        || (e is InvalidOperationException && e.InnerException is NpgsqlException)
        || e.GetType().Name == "RetryLimitExceededException";

    private static Task WriteAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        // Alertmanager's v2 errors are a bare JSON string; amtool prints it as is.
        return context.Response.WriteAsync(System.Text.Json.JsonSerializer.Serialize(message));
    }
}
