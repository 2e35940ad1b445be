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
