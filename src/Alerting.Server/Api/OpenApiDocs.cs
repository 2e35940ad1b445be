using Alerting.Auth;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Alerting.Api;

/// <summary>
/// The OpenAPI document of every endpoint at <c>/api/v2/openapi.json</c>. Handlers read their query strings and bodies
/// themselves (to answer as Alertmanager does), so what the document cannot infer is declared here.
/// </summary>
internal static class OpenApiDocs
{
    public const string Path = "/api/v2/openapi.json";

    public static IServiceCollection AddApiDocument(this IServiceCollection services) =>
        services.AddOpenApi(o => o.AddSchemaTransformer(DescribeTimes).AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "Alerting API",
                Version = "2",
                Description = "Alertmanager's API v2 (api/v2/openapi.yaml of Alertmanager 0.25) and v1, with this server's additions: "
                    + "alert history, insights, Grafana alert ingestion, template rendering and acknowledgements of alert groups.",
            };
            return Task.CompletedTask;
        }));

    /// <summary>Times are written by <see cref="DateTimeJson"/>, a converter the document cannot see through.</summary>
    private static Task DescribeTimes(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken ct)
    {
        var type = context.JsonTypeInfo.Type;
        if (type == typeof(DateTimeOffset) || type == typeof(DateTimeOffset?))
        {
            schema.Type = type == typeof(DateTimeOffset) ? JsonSchemaType.String : JsonSchemaType.String | JsonSchemaType.Null;
            schema.Format = "date-time";
        }
        return Task.CompletedTask;
    }

    public static void MapApiDocument(this IEndpointRouteBuilder app) =>
        app.MapOpenApi(Path).RequireAccess(Permission.Read).ExcludeFromDescription();

    /// <summary>A query parameter the handler reads itself; <paramref name="type"/> is the element's type when <paramref name="array"/>.</summary>
    public static TBuilder Query<TBuilder>(this TBuilder builder, string name, JsonSchemaType type, string description, bool array = false)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            var schema = new OpenApiSchema { Type = type };
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = name,
                In = ParameterLocation.Query,
                Required = false,
                Description = description,
                Schema = array ? new OpenApiSchema { Type = JsonSchemaType.Array, Items = schema } : schema,
            });
            return Task.CompletedTask;
        });

    /// <summary>The JSON body the handler reads itself (it answers 415 to any other media type).</summary>
    public static TBuilder JsonBody<TBuilder>(this TBuilder builder, Type body, string description)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddOpenApiOperationTransformer(async (operation, context, ct) =>
        {
            var schema = await context.GetOrCreateSchemaAsync(body, null, ct);
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Description = description,
                Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = schema } },
            };
        });

    /// <summary>Any answer may be a 500 from <see cref="ErrorHandling"/>: a bare JSON string, as Alertmanager's.</summary>
    public static TBuilder ServerErrors<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status500InternalServerError, typeof(string), ["application/json"]));

    /// <summary>Alertmanager's filters on alerts and groups (<c>unprocessed</c> only on alerts).</summary>
    public static TBuilder AlertFilters<TBuilder>(this TBuilder builder, bool unprocessed)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.Query("active", JsonSchemaType.Boolean, "Show active alerts (default true)")
            .Query("silenced", JsonSchemaType.Boolean, "Show silenced alerts (default true)")
            .Query("inhibited", JsonSchemaType.Boolean, "Show inhibited alerts (default true)");
        if (unprocessed)
        {
            builder.Query("unprocessed", JsonSchemaType.Boolean, "Show unprocessed alerts (default true; there are none here)");
        }
        return builder.Query("filter", JsonSchemaType.String, "A list of matchers to filter alerts by", array: true)
            .Query("receiver", JsonSchemaType.String, "A regex matching receivers to filter alerts by");
    }
}
