using Alerting.Configuration;

namespace Alerting.Auth;

/// <summary>
/// Refuses state-changing requests that a browser sends on behalf of another site: with authentication off (the
/// default) any page a user visits could otherwise post a form to the API and create a silence. Browsers say where a
/// request comes from (<c>Sec-Fetch-Site</c>, else <c>Origin</c>); tools (Prometheus, amtool, Grafana, curl) send
/// neither and pass. Action links are exempt: their signed token is the credential.
/// </summary>
internal sealed class CrossSiteGuard(RequestDelegate next, ServerOptions options)
{
    private readonly string? _externalOrigin = Uri.TryCreate(options.ExternalUrl, UriKind.Absolute, out var external)
        ? external.GetLeftPart(UriPartial.Authority)
        : null;

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method)
            || HttpMethods.IsTrace(request.Method) || request.Path.StartsWithSegments("/action") || !IsCrossSite(request))
        {
            return next(context);
        }
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync("forbidden: cross-site requests may not change anything", context.RequestAborted);
    }

    /// <summary>True when a browser says the request comes from a page of another origin.</summary>
    internal bool IsCrossSite(HttpRequest request)
    {
        var fetchSite = request.Headers["Sec-Fetch-Site"].ToString();
        if (fetchSite.Length > 0)
        {
            // "same-site" is another origin too (another port or subdomain); "none" is the user's own navigation.
            return !fetchSite.Equals("same-origin", StringComparison.OrdinalIgnoreCase) && !fetchSite.Equals("none", StringComparison.OrdinalIgnoreCase);
        }
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return false; // not a browser's cross-origin request: browsers send Origin with every cross-origin POST
        }
        var own = $"{request.Scheme}://{request.Host.Value}";
        return !origin.Equals(own, StringComparison.OrdinalIgnoreCase)
            && !(_externalOrigin is not null && origin.Equals(_externalOrigin, StringComparison.OrdinalIgnoreCase));
    }
}
