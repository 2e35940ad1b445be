using System.Text.Json;
using Alerting.Auth;
using Alerting.Configuration;
using Alerting.Templating;

namespace Alerting.Api;

/// <param name="Template">Scriban text to try out.</param>
/// <param name="Name">One of <see cref="TemplateRenderer.Names"/>: the template in use when no text is given; with text, how its data is escaped.</param>
/// <param name="Data">A webhook payload (version 4) or a list of alerts; example data when absent.</param>
internal sealed record TemplatePreviewRequest(string? Template, string? Name, string? Language, string? TimeZone, JsonElement? Data);

/// <summary>A template that does not parse or render: the message and where.</summary>
internal sealed record TemplatePreviewError(string Error, int Line, int Column);

/// <summary><c>POST /api/v2/templates/render</c>: renders a template against sample data, so it can be tried before it ships.</summary>
internal static class TemplatesApi
{
    public static void MapTemplatesApi(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/v2/templates/render", Render).RequireAccess(Permission.Read);

    private static async Task<IResult> Render(HttpRequest request, TemplateRenderer renderer, ServerOptions options, TimeProvider time, CancellationToken ct)
    {
        var body = await ApiJson.ReadAsync<TemplatePreviewRequest>(request, ct)
            ?? throw new BadInputException("body must be a JSON object with \"template\" or \"name\"");
        ScribanSource source;
        TemplateModel model;
        try
        {
            source = TemplatePreview.Source(renderer, body.Template, body.Name, body.Language, "<request>");
            model = TemplatePreview.Model(body.Data, body.Language, body.TimeZone, time.GetUtcNow(), options.EffectiveExternalUrl());
        }
        catch (TemplateInputException e)
        {
            throw new BadInputException(e.Message);
        }
        var result = renderer.TryRender(source, model);
        return result.Error is { } error
            ? TypedResults.BadRequest(new TemplatePreviewError(error.Message, error.Line, error.Column))
            : TypedResults.Text(result.Text!, "text/plain; charset=utf-8");
    }
}
