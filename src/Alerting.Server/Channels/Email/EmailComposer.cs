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

    /// <summary>A message from the config's headers as written (a value holding a template is left out) and these texts.</summary>
    public static EmailEnvelope Compose(EmailConfig config, string subject, string text, string html, DateTimeOffset now, string? idempotencyKey = null) =>
        Compose(config, new EmailContent(subject, text, html), now, idempotencyKey);

    public static EmailEnvelope Compose(EmailConfig config, EmailContent content, DateTimeOffset now, string? idempotencyKey = null)
    {
        var sender = ParseMailbox(content.From ?? config.From, "from");
        var to = content.To ?? config.To;
        var recipients = ParseList(to, "to").Mailboxes.ToList();
        if (recipients.Count == 0)
        {
            throw new EmailComposeException("parse 'to' addresses: no address");
        }
        var headers = content.Headers ?? config.Headers.Where(h => !h.Value.Contains("{{", StringComparison.Ordinal)).ToDictionary(StringComparer.Ordinal);

        var message = new MimeMessage();
        message.From.Add(Header(headers, "From") is { } fromHeader ? ParseMailbox(fromHeader, "From header") : sender);
        message.To.AddRange(Header(headers, "To") is { } toHeader ? ParseList(toHeader, "To header") : ParseList(to, "to"));
        message.Subject = OneLine(Header(headers, "Subject") ?? content.Subject);
        message.Date = now;
        var domain = string.IsNullOrEmpty(sender.Domain) ? config.Hello : sender.Domain;
        // A resend of the same notification keeps its Message-Id: mail stores and clients fold such copies.
        message.MessageId = idempotencyKey is null ? MimeUtils.GenerateMessageId(domain) : $"{idempotencyKey}@{domain}";
        foreach (var (name, value) in headers)
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

        // Alertmanager's structure: multipart/alternative, the text part (when there is one) before the HTML part.
        var body = new MultipartAlternative();
        if (content.Text is { } text)
        {
            body.Add(Part(MimeKit.Text.TextFormat.Plain, text));
        }
        if (content.Html is { } html)
        {
            body.Add(Part(MimeKit.Text.TextFormat.Html, html));
        }
        message.Body = body;
        return new EmailEnvelope(message, sender, recipients);
    }

    private static TextPart Part(MimeKit.Text.TextFormat format, string text)
    {
        var part = new TextPart(format) { ContentTransferEncoding = ContentEncoding.QuotedPrintable };
        part.SetText(Encoding.UTF8, text);
        part.ContentType.Charset = "UTF-8"; // as Alertmanager spells it
        return part;
    }

    private static string? Header(IReadOnlyDictionary<string, string> headers, string name) =>
        headers.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;

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
