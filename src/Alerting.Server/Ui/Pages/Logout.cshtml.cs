using Microsoft.AspNetCore.Mvc;

namespace Alerting.Ui.Pages;

[PublicPage]
internal sealed class LogoutModel : UiPageModel
{
    public IActionResult OnGet() => LocalRedirect(Url.Content("~/login"));

    public IActionResult OnPost()
    {
        UiSessions.SignOut(HttpContext);
        return LocalRedirect(Url.Content("~/login"));
    }
}
