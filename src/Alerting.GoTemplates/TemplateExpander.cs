using Alerting.Core.Notifications;
using Alerting.GoTemplates.Alertmanager;

namespace Alerting.GoTemplates;

/// <summary>
/// Alertmanager's notify.TmplText and TmplHTML over one message's data: the first error is kept and every
/// later call returns "".
/// </summary>
public sealed class TemplateExpander(GoTemplateSet set, NotificationData data)
{
    // The data's template model is built once for all the fields of a message.
    private DataValue? _model;

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
            ArgumentNullException.ThrowIfNull(template);
            return template.Length == 0 ? "" : set.Execute(template, _model ??= set.Model(data), html);
        }
        catch (GoTemplateException e)
        {
            Error = e;
            return "";
        }
    }
}
