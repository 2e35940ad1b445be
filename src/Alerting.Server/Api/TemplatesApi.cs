using System.Text.Json;
using Alerting.Auth;
using Alerting.Configuration;
using Alerting.Core.Notifications;
using Alerting.Templating;

namespace Alerting.Api;

/// <param name="Template">Text to try out: Scriban, or with <paramref name="Engine"/> <c>go</c> a Go template.</param>
/// <param name="Name">One of <see cref="TemplateRenderer.Names"/>: the template in use when no text is given; with text, how its data is escaped.</param>
/// <param name="Data">A webhook payload (version 4) or a list of alerts; example data when absent.</param>
/// <param name="Engine"><c>scriban</c> (the default) or <c>go</c>: Alertmanager's templates, with the configuration's template files.</param>
/// <param name="Type">For Go: <c>text</c> (the default) or <c>html</c>, html/template's escaping as for the email <c>html</c> field.</param>
internal sealed record TemplatePreviewRequest(string? Template, string? Name, string? Language, string? TimeZone, JsonElement? Data, string? Engine = null, string? Type = null);

/// <summary>A template that does not parse or render: the message and where.</summary>
internal sealed record TemplatePreviewError(string Error, int Line, int Column);

/// <summary>
/// <c>POST /api/v2/templates/render</c>: renders a template against sample data, so it can be tried before it ships:
/// one of our Scriban templates, or a Go template as Alertmanager (and <c>amtool template render</c>) would render it.
/// </summary>
internal static class TemplatesApi
{
    public static void MapTemplatesApi(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/v2/templates/render", Render).RequireAccess(Permission.Read).RequireJsonBody().WithTags("templates (ours)")
            .WithSummary("Ours: render a Scriban template, or a Go template as Alertmanager would, against sample data")
            .JsonBody(typeof(TemplatePreviewRequest), "The template (or a template's name), the engine and the data");

    private static async Task<IResult> Render(HttpRequest request, TemplateRenderer renderer, ConfigHolder config, ServerOptions options, TimeProvider time, CancellationToken ct)
    {
        var body = await ApiJson.ReadAsync<TemplatePreviewRequest>(request, ct)
            ?? throw new BadInputException("body must be a JSON object with \"template\" or \"name\"");
        switch (body.Engine)
        {
            case null or "scriban":
                break;
            case "go":
                return RenderGo(body, config.Current.GoTemplates, options, time);
            case "sprig":
                // As DingTalk, WeCom and Feishu fields run: sprig's functions, prometheus-webhook-dingtalk's templates.
                return RenderGo(body, config.Current.GoTemplates.Sprig, options, time);
            default:
                throw new BadInputException($"engine must be \"scriban\", \"go\" or \"sprig\", not \"{body.Engine}\"");
        }
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
        return Result(renderer.TryRender(source, model));
    }

    private static IResult RenderGo(TemplatePreviewRequest body, GoTemplates.GoTemplateSet templates, ServerOptions options, TimeProvider time)
    {
        if (body.Template is null)
        {
            throw new BadInputException("a Go preview needs \"template\", the text to render");
        }
        if (body.Type is not (null or "text" or "html"))
        {
            throw new BadInputException($"type must be \"text\" or \"html\", not \"{body.Type}\"");
        }
        NotificationData data;
        try
        {
            data = TemplatePreview.Data(body.Data, time.GetUtcNow(), options.EffectiveExternalUrl());
        }
        catch (TemplateInputException e)
        {
            throw new BadInputException(e.Message);
        }
        var result = TemplatePreview.RenderGo(templates, body.Template, body.Type == "html", data);
        return Result(result);
    }

    private static IResult Result(TemplateRenderResult result) => result.Error is { } error
        ? TypedResults.BadRequest(new TemplatePreviewError(error.Message, error.Line, error.Column))
        : TypedResults.Text(result.Text!, "text/plain; charset=utf-8");
}
