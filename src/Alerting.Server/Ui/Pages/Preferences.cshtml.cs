using Microsoft.AspNetCore.Mvc;

namespace Alerting.Ui.Pages;

/// <summary>The language and theme switches: cookies for this browser only, so anyone may set them.</summary>
[PublicPage]
internal sealed class PreferencesModel : UiPageModel
{
    public IActionResult OnGet() => LocalRedirect(Url.Content("~/"));

    public IActionResult OnPost(string? lang, string? theme, string? returnUrl)
    {
        var options = new CookieOptions { MaxAge = TimeSpan.FromDays(365), SameSite = SameSiteMode.Lax, HttpOnly = true, Secure = Request.IsHttps, Path = "/" };
        if (lang is UiText.English or UiText.Chinese)
        {
            Response.Cookies.Append(UiText.CookieName, lang, options);
        }
        if (theme is "light" or "dark" or "auto")
        {
            Response.Cookies.Append("alerting-theme", theme, options);
        }
        return LocalRedirect(Url.IsLocalUrl(returnUrl) ? returnUrl : Url.Content("~/"));
    }
}
