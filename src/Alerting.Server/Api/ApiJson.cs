using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;

namespace Alerting.Api;

/// <summary>Reads request bodies with errors a sender can act on.</summary>
internal static class ApiJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        // Unknown fields are ignored (as go-swagger does); numbers in strings are not accepted.
        MaxDepth = 32,
    };

    public static async Task<T?> ReadAsync<T>(HttpRequest request, CancellationToken ct)
    {
        try
        {
            return await JsonSerializer.DeserializeAsync<T>(request.Body, Options, ct);
        }
        catch (JsonException e)
        {
            var where = e.Path is { Length: > 0 } path ? $" at {path}" : "";
            throw new BadInputException($"invalid JSON{where}: {FirstSentence(e.Message)}");
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            var limit = request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize;
            throw new BadInputException($"request body too large (limit {limit} bytes)", StatusCodes.Status413PayloadTooLarge);
        }
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}

/// <summary>Input the API refuses; the message goes back to the caller as is.</summary>
internal sealed class BadInputException(string message, int statusCode = StatusCodes.Status400BadRequest) : Exception(message)
{
    public int StatusCode { get; } = statusCode;
}

/// <summary>The JSON endpoints take only JSON: a form or text body is how a cross-site page would post to them.</summary>
internal static class JsonOnly
{
    public static TBuilder RequireJsonBody<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter((ctx, next) => IsJson(ctx.HttpContext.Request.ContentType)
            ? next(ctx)
            : ValueTask.FromResult<object?>(TypedResults.Text(
                $"unsupported media type {(ctx.HttpContext.Request.ContentType is { Length: > 0 } t ? $"\"{t}\"" : "(none)")}: send application/json",
                statusCode: StatusCodes.Status415UnsupportedMediaType)));

    /// <summary><c>application/json</c> or a <c>+json</c> type, with any parameters (<c>charset=utf-8</c>).</summary>
    public static bool IsJson(string? contentType)
    {
        if (contentType is null || !Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media))
        {
            return false;
        }
        var type = media.MediaType.Value ?? "";
        return type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (type.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && type.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }
}
