using System.Net;
using Alerting.Core.Configuration;
using Alerting.Core.Notifications;
using Alerting.Templating;

namespace Alerting.Channels.Email;

/// <summary>
/// Email over SMTP: Alertmanager's message (its email.default.html and subject, headers and text as configured),
/// or ours from the Scriban templates when an <c>email.*.sbn</c> file is among the <c>templates:</c>.
/// </summary>
internal sealed class EmailChannel : NotificationChannel
{
    public const string Name = "email";

    public override string Kind => Name;

    public override IReadOnlyDictionary<string, string> SecretKeys { get; } =
        new Dictionary<string, string> { ["auth_password"] = SecretMasker.Mask, ["auth_secret"] = SecretMasker.Mask };

    public override IReadOnlyCollection<string> GlobalSecretKeys { get; } = ["smtp_auth_password", "smtp_auth_secret"];

    public override IReadOnlyList<ChannelTemplate> Templates { get; } =
    [
        new("email.subject", ChannelTemplate.Unescaped),
        new("email.html", static s => WebUtility.HtmlEncode(s), IsHtml: true),
        new("email.text", ChannelTemplate.Unescaped),
    ];

    /// <summary>
    /// Go's html/template escapes the data of the HTML body itself (and the text body is plain): only the URLs
    /// are made http(s), which html/template also requires of an href.
    /// </summary>
    public override NotificationData TemplateData(IntegrationConfig config, NotificationData data) => ChatData.SafeUrls(data);

    public override object ReadGlobal(MapReader? global) => EmailDefaults.Read(global);

    public override IntegrationConfig? Read(MapReader entry, GlobalConfig global) => EmailConfig.Read(entry, global);

    public override ResolvedNotifier Notifier(IntegrationConfig config, NotifierContext context)
    {
        var email = (EmailConfig)config;
        var renderer = new EmailRenderer((data, links) =>
        {
            var message = context.Templates(data, links);
            return EmailMessages.IsOurs(message) ? EmailMessages.Ours(email, message) : EmailMessages.Alertmanager(email, message.Go, links);
        });
        return new ResolvedNotifier(new EmailNotifier(email, renderer, context.Time), _ => "");
    }

    public override string? Destination(IntegrationConfig config) => config is EmailConfig e ? e.Smarthost : null;
}
