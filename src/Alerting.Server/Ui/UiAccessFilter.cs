using Alerting.Auth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Alerting.Ui;

/// <summary>Marks a page anyone may open: the login page, and the action links, which carry their own signature.</summary>
[AttributeUsage(AttributeTargets.Class)]
internal sealed class PublicPageAttribute : Attribute;

/// <summary>
/// The UI enforces the API's rules: reading needs read access, any POST needs write (operator) access.
/// Nothing changes state on GET. Without access the browser goes to the login page.
/// </summary>
internal sealed class UiAccessFilter : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (context.HandlerInstance.GetType().IsDefined(typeof(PublicPageAttribute), inherit: false))
        {
            await next();
            return;
        }
        var http = context.HttpContext;
        var sessions = http.RequestServices.GetRequiredService<UiSessions>();
        var need = HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method) ? Permission.Read : Permission.Write;
        var have = sessions.AccessOf(http);
        if (UiSessions.Satisfies(have, need))
        {
            await next();
            return;
        }
        // A POST goes back to the page it came from after login, never replays itself.
        var back = need == Permission.Read
            ? (http.Request.PathBase + http.Request.Path + http.Request.QueryString).ToString()
            : (http.Request.PathBase + http.Request.Path).ToString();
        var query = $"?returnUrl={Uri.EscapeDataString(back)}" + (need == Permission.Write && have is not null ? "&need=write" : "");
        context.Result = new RedirectResult(http.Request.PathBase + "/login" + query);
    }
}
