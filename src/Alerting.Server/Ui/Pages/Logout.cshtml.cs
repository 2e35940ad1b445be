using Microsoft.AspNetCore.Mvc;

namespace Alerting.Ui.Pages;

[PublicPage]
internal sealed class LogoutModel(UiSessions sessions) : UiPageModel
{
    public IActionResult OnGet() => LocalRedirect(Url.Content("~/login"));

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        await sessions.SignOutAsync(HttpContext, ct);
        return LocalRedirect(Url.Content("~/login"));
    }
}
