using Alerting.Auth;
using Alerting.Configuration;
using Alerting.Templating;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Alerting.Ui;

/// <summary>What every page needs: its words, the clock, the running configuration and who is looking.</summary>
internal abstract class UiPageModel : PageModel
{
    public UiText T => UiText.For(HttpContext);

    private DateTimeOffset? _now;

    public DateTimeOffset Now => _now ??= HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();

    public RuntimeConfig Runtime => HttpContext.RequestServices.GetRequiredService<ConfigHolder>().Current;

    /// <summary>Times show in <c>global.time_zone</c> when it is set, else UTC.</summary>
    public TimeZoneInfo Zone
    {
        get
        {
            try
            {
                return TemplateModel.FindTimeZone(Runtime.Config.Global.TimeZone);
            }
            catch (TimeZoneNotFoundException)
            {
                return TimeZoneInfo.Utc;
            }
        }
    }

    /// <summary>True when this person may change things (silence, expire, acknowledge, reload).</summary>
    public bool CanOperate => UiSessions.Satisfies(HttpContext.RequestServices.GetRequiredService<UiSessions>().AccessOf(HttpContext), Permission.Write);

    /// <summary>A link inside the UI, under the route prefix.</summary>
    public string Href(string path) => Url.Content("~/" + path.TrimStart('/'));

    /// <summary>True when this person may look at the rest of the UI.</summary>
    public bool CanRead => UiSessions.Satisfies(HttpContext.RequestServices.GetRequiredService<UiSessions>().AccessOf(HttpContext), Permission.Read);

    public string Time(DateTimeOffset at) => UiFormat.Time(at, Zone);

    public string Ago(DateTimeOffset at) => at <= Now ? T.Format("{0} ago", UiFormat.Duration(Now - at)) : T.Format("in {0}", UiFormat.Duration(at - Now));
}
