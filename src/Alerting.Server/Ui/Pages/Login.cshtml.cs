using Microsoft.AspNetCore.Mvc;

namespace Alerting.Ui.Pages;

/// <summary>Takes the API's credentials (basic or bearer) and starts a session cookie.</summary>
[PublicPage]
internal sealed class LoginModel(UiSessions sessions) : UiPageModel
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
        if (sessions.SignIn(HttpContext, username, password, token) is null)
        {
            Error = T["Those credentials are not accepted."];
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }
        return LocalRedirect(ReturnUrl);
    }

    private string Safe(string? returnUrl) => Url.IsLocalUrl(returnUrl) ? returnUrl : Url.Content("~/");
}
