using Alerting.Templating;

namespace Alerting.Channels.Email;

/// <summary>
/// What one email says, its templates run: the subject, the text and HTML parts (null: the part is left out,
/// as Alertmanager leaves out a part whose template is empty), and, once rendered, the headers and the
/// envelope's from and to.
/// </summary>
internal sealed record EmailContent(string Subject, string? Text, string? Html)
{
    /// <summary>Header values with their templates run, by canonical name; null: the config's, as written.</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary><c>from</c> with its template run; null: the config's.</summary>
    public string? From { get; init; }

    /// <summary><c>to</c> with its template run; null: the config's.</summary>
    public string? To { get; init; }
}

/// <summary>The two messages an email config can send: Alertmanager's, or ours from the Scriban templates.</summary>
internal static class EmailMessages
{
    /// <summary>config.DefaultEmailConfig's html and config.DefaultEmailSubject.</summary>
    public const string DefaultHtml = """{{ template "email.default.html" . }}""";

    public const string DefaultSubject = """{{ template "email.default.subject" . }}""";

    /// <summary>
    /// notify/email's message: the Subject, To and From headers default to <see cref="DefaultSubject"/>,
    /// <c>to</c> and <c>from</c>; every header value, <c>from</c> and <c>to</c> run as text templates; a
    /// text part only when <c>text</c> is set; the HTML part (<see cref="DefaultHtml"/> unless set, empty to
    /// leave it out) run with html/template's escaping.
    /// </summary>
    public static EmailContent Alertmanager(EmailConfig config, GoFields go, ActionLinks? links)
    {
        var data = go.Data;
        var from = go.Text("email.from", config.From);
        var to = go.Text("email.to", config.To);
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, template) in config.Headers)
        {
            headers[name] = name == "Subject"
                ? go.TextOr("email.headers", template, DefaultSubject, () => PlainText.Subject(data))
                : go.Text("email.headers", template);
        }
        if (!headers.ContainsKey("Subject"))
        {
            headers["Subject"] = go.Text("email.headers", DefaultSubject, () => PlainText.Subject(data));
        }
        headers.TryAdd("To", to);
        headers.TryAdd("From", from);
        var text = string.IsNullOrEmpty(config.Text) ? null : go.Text("email.text", config.Text, () => EmailRenderer.Text(data, links));
        var html = config.Html == "" ? null : go.HtmlOr("email.html", config.Html, DefaultHtml, () => EmailRenderer.Html(data, links));
        return new EmailContent(headers["Subject"], text, html) { Headers = headers, From = from, To = to };
    }

    /// <summary>
    /// Ours (an <c>email.*.sbn</c> file in <c>templates:</c>): the subject, text and HTML from the Scriban
    /// templates, with the action links, unless the config sets them (as Go templates); both parts always.
    /// </summary>
    public static EmailContent Ours(EmailConfig config, MessageTemplates message)
    {
        var go = message.Go;
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, template) in config.Headers)
        {
            headers[name] = go.Text("email.headers", template, name == "Subject" ? () => message.Render("email.subject", null) : null);
        }
        var subject = headers.Remove("Subject", out var own) ? own : message.Render("email.subject", null);
        return new EmailContent(subject.Trim(), message.Render("email.text", config.Text), message.Render("email.html", config.Html))
        {
            Headers = headers,
            From = go.Text("email.from", config.From),
            To = go.Text("email.to", config.To),
        };
    }

    /// <summary>Our Scriban message instead of Alertmanager's: the <c>templates:</c> globs hold an <c>email.subject</c>, <c>email.text</c> or <c>email.html</c> file.</summary>
    public static bool IsOurs(MessageTemplates message) =>
        message.HasOverride("email.subject") || message.HasOverride("email.text") || message.HasOverride("email.html");
}
