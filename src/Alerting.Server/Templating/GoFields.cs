using Alerting.Core.Notifications;
using Alerting.GoTemplates;

namespace Alerting.Templating;

/// <summary>
/// One message's Go template fields (a receiver's title, text, Slack fields, email headers, ...), each run as
/// Alertmanager's tmpl() runs it over the configuration's Go templates. Alertmanager gives up the whole
/// notification at the first error; here a field that fails is reported (logged and counted by whoever gave
/// <paramref name="failed"/>) and replaced by its fallback, so a template bug never loses a message.
/// </summary>
/// <param name="failed">Called with the field's name (<c>slack.title</c>) and the error, for each field that fails.</param>
internal sealed class GoFields(GoTemplateSet templates, NotificationData data, Action<string, Exception>? failed = null)
{
    public NotificationData Data => data;

    /// <summary>
    /// For fields that hold a URL rather than markup (a Slack button's url): the same templates over the data with
    /// only its URLs made safe, as markup escaping would break a link. Itself when the data is not escaped.
    /// </summary>
    public GoFields Urls
    {
        get => _urls ?? this;
        init => _urls = value;
    }

    private readonly GoFields? _urls;

    /// <summary>Whether some field failed and fell back.</summary>
    public bool AnyFailed { get; private set; }

    /// <summary>text/template; null or "" gives "" (Alertmanager's ExecuteTextString).</summary>
    public string Text(string field, string? template, Func<string>? fallback = null) => Run(field, template, html: false, fallback);

    /// <summary>html/template's contextual escaping (Alertmanager's ExecuteHTMLString).</summary>
    public string Html(string field, string? template, Func<string>? fallback = null) => Run(field, template, html: true, fallback);

    /// <summary>
    /// <paramref name="template"/>, else (null: the config does not set the field) <paramref name="standard"/>,
    /// Alertmanager's default for it; when the config's own fails, the standard one; when that fails too,
    /// <paramref name="last"/> or "".
    /// </summary>
    public string TextOr(string field, string? template, string standard, Func<string>? last = null) =>
        template is null || template == standard
            ? Text(field, standard, last)
            : Text(field, template, () => Text(field, standard, last));

    /// <summary><see cref="TextOr"/> with html/template.</summary>
    public string HtmlOr(string field, string? template, string standard, Func<string>? last = null) =>
        template is null || template == standard
            ? Html(field, standard, last)
            : Html(field, template, () => Html(field, standard, last));

    private string Run(string field, string? template, bool html, Func<string>? fallback)
    {
        if (string.IsNullOrEmpty(template))
        {
            return "";
        }
        try
        {
            return html ? templates.ExecuteHtml(template, data) : templates.ExecuteText(template, data);
        }
        catch (Exception e) when (e is GoTemplateException or InvalidOperationException or ArgumentException or FormatException or OverflowException)
        {
            // Also the engine's own bugs, if any: the message goes out with its fallback all the same.
            AnyFailed = true;
            failed?.Invoke(field, e);
            return fallback?.Invoke() ?? "";
        }
    }
}
