using System.Text.Json.Nodes;
using Alerting.Channels.Http;
using Alerting.GoTemplates;
using Alerting.Templating;
using Microsoft.Extensions.Time.Testing;
using MimeKit;

namespace Alerting.Channels.Email;

/// <summary>
/// The golden email receiver, unmodified, through the notifier to a real SMTP server: the envelope, the headers,
/// the MIME structure and the decoded parts Alertmanager 0.25 sent (email.*.json). What MimeKit writes differently
/// on the wire (header folding, the boundary, the order of a part's headers) is not compared.
/// </summary>
public sealed class EmailGoldenTests
{
    [Theory]
    [InlineData("firing")]
    [InlineData("resolved")]
    public async Task The_golden_receiver_sends_Alertmanagers_message(string phase)
    {
        await using var server = await new SmtpTestServer().StartAsync();
        var config = Load(server.Smarthost);
        var failures = new List<string>();
        var renderer = new EmailRenderer((data, links) => EmailMessages.Alertmanager(config, new GoFields(GoTemplateSet.Default, data, (f, _) => failures.Add(f)), links));
        var notifier = new EmailNotifier(config, renderer, new FakeTimeProvider(DateTimeOffset.UtcNow), TimeSpan.FromSeconds(10));
        var request = new NotificationRequest("email", "{}:{}", "", 2) { Data = GoldenCaptures.Data("email", phase == "resolved") };

        EmailTestData.AssertSuccess(await notifier.SendAsync(request, CancellationToken.None));
        var mail = await server.NextAsync();

        var golden = JsonNode.Parse(File.ReadAllText(Path.Combine(GoldenCaptures.Folder, $"email.{phase}.json")))!["messages"]![0]!;
        var smtp = golden["smtp"]!;
        Assert.Equal((string)smtp["helo"]!, mail.Ehlo);
        Assert.Equal((string)smtp["mail_from"]!, mail.EnvelopeFrom);
        Assert.Equal(smtp["rcpt_tos"]!.AsArray().Select(r => (string)r!), mail.EnvelopeTo);

        var message = mail.Message;
        var headers = golden["headers_decoded"]!.AsObject();
        Assert.Equal(Mailboxes((string)headers["From"]!), Mailboxes(message.From));
        Assert.Equal(Mailboxes((string)headers["To"]!), Mailboxes(message.To));
        Assert.Equal((string)headers["Subject"]!, message.Subject);
        Assert.Equal((string)headers["X-Alert-Group"]!, message.Headers["X-Alert-Group"]);
        Assert.Equal((string)headers["MIME-Version"]!, message.Headers[HeaderId.MimeVersion]);
        // The same header names; Date and Message-Id are ours to choose, as they were Alertmanager's.
        Assert.Equal(
            golden["headers_sorted"]!.AsArray().Select(h => (string)h![0]!).Order(StringComparer.OrdinalIgnoreCase),
            message.Headers.Select(h => h.Field).Append("Content-Type").Order(StringComparer.OrdinalIgnoreCase), // the body's, in MimeKit
            StringComparer.OrdinalIgnoreCase);

        var body = Assert.IsType<MultipartAlternative>(message.Body);
        var parts = golden["parts"]!.AsArray();
        Assert.Equal(parts.Count, body.Count);
        for (var i = 0; i < parts.Count; i++)
        {
            var part = Assert.IsType<TextPart>(body[i]);
            var expected = parts[i]!;
            Assert.Equal((string)expected["content_type"]!, part.ContentType.MimeType);
            var partHeaders = expected["headers"]!.AsArray().ToDictionary(h => (string)h![0]!, h => (string)h![1]!);
            Assert.Equal(partHeaders["Content-Type"], $"{part.ContentType.MimeType}; charset={part.ContentType.Charset}");
            Assert.Equal(ContentEncoding.QuotedPrintable, part.ContentTransferEncoding);
            Assert.Equal(Lf(((string)expected["decoded"]!).Replace("<EXTERNAL_URL>", GoldenCaptures.ExternalUrl, StringComparison.Ordinal)), Lf(part.Text));
        }
        Assert.Empty(failures);
    }

    private static EmailConfig Load(string smarthost) =>
        GoldenReceivers.Config<EmailConfig>("email") with { Smarthost = smarthost };

    private static string Lf(string s) => s.Replace("\r\n", "\n", StringComparison.Ordinal);

    private static List<string> Mailboxes(string header) => Mailboxes(InternetAddressList.Parse(header));

    private static List<string> Mailboxes(InternetAddressList list) => [.. list.Mailboxes.Select(m => $"{m.Name}|{m.Address}")];
}
