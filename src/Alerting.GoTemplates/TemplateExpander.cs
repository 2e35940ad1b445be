using Alerting.Core.Notifications;

namespace Alerting.GoTemplates;

/// <summary>
/// Alertmanager's notify.TmplText and TmplHTML over one message's data: the first error is kept and every
/// later call returns "".
/// </summary>
public sealed class TemplateExpander(GoTemplateSet set, NotificationData data)
{
    public Exception? Error { get; private set; }

    public string Text(string template) => Run(template, html: false);

    public string Html(string template) => Run(template, html: true);

    private string Run(string template, bool html)
    {
        if (Error is not null)
        {
            return "";
        }
        try
        {
            return html ? set.ExecuteHtml(template, data) : set.ExecuteText(template, data);
        }
        catch (GoTemplateException e)
        {
            Error = e;
            return "";
        }
    }
}
