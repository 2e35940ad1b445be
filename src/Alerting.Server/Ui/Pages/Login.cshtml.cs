using Microsoft.AspNetCore.Mvc;

namespace Alerting.Ui.Pages;

/// <summary>Takes the API's credentials (basic or bearer) and starts a session cookie.</summary>
[PublicPage]
internal sealed class LoginModel(UiSessions sessions, LoginThrottle throttle) : UiPageModel
{
    public string ReturnUrl { get; private set; } = "";

    public bool NeedWrite { get; private set; }

    public string? Error { get; private set; }

    public bool AuthEnabled => sessions.AuthEnabled;

    public void OnGet(string? returnUrl, string? need)
    {
        ReturnUrl = Safe(returnUrl);
        NeedWrite = need == "write";
    }

    public IActionResult OnPost(string? username, string? password, string? token, string? returnUrl)
    {
        ReturnUrl = Safe(returnUrl);
        var address = HttpContext.Connection.RemoteIpAddress;
        if (throttle.Blocked(address) is { } wait)
        {
            var seconds = (int)Math.Ceiling(wait.TotalSeconds);
            Error = T.Format("Too many failed logins from your address; try again in {0} s.", seconds);
            Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            return Page();
        }
        if (sessions.SignIn(HttpContext, username, password, token) is null)
        {
            throttle.Failed(address);
            Error = T["Those credentials are not accepted."];
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }
        throttle.Succeeded(address);
        return LocalRedirect(ReturnUrl);
    }

    private string Safe(string? returnUrl) => Url.IsLocalUrl(returnUrl) ? returnUrl : Url.Content("~/");
}
