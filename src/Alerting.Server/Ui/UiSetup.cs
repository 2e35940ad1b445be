using System.Text.Encodings.Web;
using Alerting.Insights;
using System.Text.Unicode;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.WebEncoders;
using Npgsql;

namespace Alerting.Ui;

/// <summary>
/// The operators' web UI: Razor Pages under <c>Ui/Pages</c>, rendered on the server, working without JavaScript.
/// Sessions and anti-forgery tokens are protected with data-protection keys kept in PostgreSQL, so any
/// instance behind a load balancer accepts a form another instance rendered.
/// </summary>
internal static class UiSetup
{
    public static IServiceCollection AddUi(this IServiceCollection services, string? keyEncryptionFile = null)
    {
        services.AddRazorPages(o =>
        {
            o.RootDirectory = "/Ui/Pages";
            o.Conventions.ConfigureFilter(new UiAccessFilter());
            o.Conventions.AddPageRoute("/SilenceEdit", "silences/new");
        }).AddApplicationPart(typeof(UiSetup).Assembly); // the host may be another assembly (the tests)
        var dataProtection = services.AddDataProtection().SetApplicationName("alerting");
        if (keyEncryptionFile is { Length: > 0 })
        {
            KeyEncryption.Configure(services, dataProtection, keyEncryptionFile);
        }
        services.AddOptions<KeyManagementOptions>()
            .Configure<NpgsqlDataSource>((o, db) => o.XmlRepository = new PostgresKeyRepository(db));
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "alerting-csrf";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.FormFieldName = "__csrf";
            o.SuppressXFrameOptionsHeader = false;
        });
        // Chinese and other non-Latin text is written as is, not as &#x...; escapes.
        services.Configure<WebEncoderOptions>(o => o.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        services.AddSingleton<UiSessions>();
        services.AddSingleton<SessionRevocations>();
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<UiData>();
        services.AddSingleton<InsightsReader>(sp =>
        {
            var queries = sp.GetRequiredService<InsightsQueries>();
            return (period, flappingMinimum, ct) => queries.ReadAsync(period, ct, flappingMinimum);
        });
        services.AddHostedService<InstanceHeartbeat>();
        return services;
    }

    public static void MapUi(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            // Pages carry tokens in their URLs (action links): no referrer leaves, nothing frames them, nothing inline runs.
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            if (!context.Request.Path.StartsWithSegments("/api") && !context.Request.Path.StartsWithSegments("/metrics"))
            {
                headers.XFrameOptions = "DENY";
                headers.ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
            }
            await next(context);
        });
        app.MapRazorPages();
        app.MapGet("/assets/{name}", UiAssets.Serve).ExcludeFromDescription(); // the UI's own files, not API
    }
}
