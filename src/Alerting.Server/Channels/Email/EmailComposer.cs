using System.Text;
using MimeKit;
using MimeKit.Utils;

namespace Alerting.Channels.Email;

/// <summary>A message ready to go: the MIME message and the SMTP envelope (MAIL FROM and RCPT TO).</summary>
internal sealed record EmailEnvelope(MimeMessage Message, MailboxAddress Sender, IReadOnlyList<MailboxAddress> Recipients);

/// <summary>A message that cannot be built from the config: a bad address or header. Retrying will not help.</summary>
internal sealed class EmailComposeException(string message) : Exception(message);

/// <summary>
/// Builds the email as Alertmanager's email notifier does: the envelope from <c>from</c> and <c>to</c> (a
/// comma-separated list), the <c>headers</c> (To, From and Subject among them override the defaults), a
/// Message-Id and Date, and a <c>multipart/alternative</c> body with a text and an HTML part.
/// </summary>
internal static class EmailComposer
{
    /// <summary>Headers that describe the MIME structure or that the composer sets itself.</summary>
    private static readonly HashSet<string> s_structural = new(StringComparer.OrdinalIgnoreCase)
    {
        "Content-Type", "Content-Transfer-Encoding", "Mime-Version", "Date",
    };

    // Like Go's net/mail: an address needs a domain. Otherwise MimeKit's usual leniency.
    private static readonly ParserOptions s_addresses = CreateParserOptions();

    public static EmailEnvelope Compose(EmailConfig config, string subject, string text, string html, DateTimeOffset now, string? idempotencyKey = null)
    {
        var sender = ParseMailbox(config.From, "from");
        var recipients = ParseList(config.To, "to").Mailboxes.ToList();
        if (recipients.Count == 0)
        {
            throw new EmailComposeException("parse 'to' addresses: no address");
        }

        var message = new MimeMessage();
        message.From.Add(Header(config, "From") is { } fromHeader ? ParseMailbox(fromHeader, "From header") : sender);
        message.To.AddRange(Header(config, "To") is { } toHeader ? ParseList(toHeader, "To header") : ParseList(config.To, "to"));
        message.Subject = OneLine(Header(config, "Subject") ?? subject);
        message.Date = now;
        var domain = string.IsNullOrEmpty(sender.Domain) ? config.Hello : sender.Domain;
        // A resend of the same notification keeps its Message-Id: mail stores and clients fold such copies.
        message.MessageId = idempotencyKey is null ? MimeUtils.GenerateMessageId(domain) : $"{idempotencyKey}@{domain}";
        foreach (var (name, value) in config.Headers)
        {
            if (name is "To" or "From" or "Subject" || s_structural.Contains(name))
            {
                continue;
            }
            try
            {
                message.Headers.Replace(name, OneLine(value));
            }
            catch (Exception e) when (e is ArgumentException or FormatException or ParseException)
            {
                throw new EmailComposeException($"invalid header \"{name}\": {e.Message}");
            }
        }

        var plain = new TextPart(MimeKit.Text.TextFormat.Plain) { ContentTransferEncoding = ContentEncoding.QuotedPrintable };
        plain.SetText(Encoding.UTF8, text);
        var rich = new TextPart(MimeKit.Text.TextFormat.Html) { ContentTransferEncoding = ContentEncoding.QuotedPrintable };
        rich.SetText(Encoding.UTF8, html);
        message.Body = new MultipartAlternative { plain, rich };
        return new EmailEnvelope(message, sender, recipients);
    }

    /// <summary>
    /// A configured header value. One that still holds a Go template (<c>{{ template "email.default.subject" . }}</c>,
    /// Alertmanager's usual Subject) is left to the renderer until templates apply to headers.
    /// </summary>
    private static string? Header(EmailConfig config, string name) =>
        config.Headers.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) && !value.Contains("{{", StringComparison.Ordinal)
            ? value
            : null;

    private static MailboxAddress ParseMailbox(string value, string what)
    {
        if (MailboxAddress.TryParse(s_addresses, value, out var mailbox) && !string.IsNullOrEmpty(mailbox.Domain))
        {
            return mailbox;
        }
        throw new EmailComposeException($"parse '{what}' address: invalid address \"{OneLine(value)}\"");
    }

    private static InternetAddressList ParseList(string value, string what)
    {
        if (InternetAddressList.TryParse(s_addresses, value, out var list) && list.Mailboxes.Any() && list.Mailboxes.All(m => !string.IsNullOrEmpty(m.Domain)))
        {
            return list;
        }
        throw new EmailComposeException($"parse '{what}' addresses: invalid address list \"{OneLine(value)}\"");
    }

    private static ParserOptions CreateParserOptions()
    {
        var options = ParserOptions.Default.Clone();
        options.AllowAddressesWithoutDomain = false;
        return options;
    }

    /// <summary>No CR or LF in a header value: a label value must not be able to add headers.</summary>
    private static string OneLine(string s) => s.ReplaceLineEndings(" ");
}
