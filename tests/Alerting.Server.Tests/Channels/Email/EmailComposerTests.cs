using MimeKit;
using static Alerting.Channels.Email.EmailTestData;

namespace Alerting.Channels.Email;

public sealed class EmailComposerTests
{
    [Fact]
    public void To_and_From_headers_override_the_header_values_but_not_the_envelope()
    {
        var config = Config("smtp.test:25") with
        {
            To = "a@example.test, b@example.test",
            Headers = new Dictionary<string, string>
            {
                ["To"] = "Team <team@example.test>",
                ["From"] = "Monitoring <monitoring@example.test>",
            },
        };

        var envelope = EmailComposer.Compose(config, "s", "t", "h", Now);

        Assert.Equal("alerting@example.test", envelope.Sender.Address);
        Assert.Equal(["a@example.test", "b@example.test"], envelope.Recipients.Select(r => r.Address));
        Assert.Equal("\"Team\" <team@example.test>", envelope.Message.To.ToString());
        Assert.Equal("\"Monitoring\" <monitoring@example.test>", envelope.Message.From.ToString());
    }

    [Fact]
    public void Header_values_are_single_lines_and_structural_headers_are_ignored()
    {
        var config = Config("smtp.test:25") with
        {
            Headers = new Dictionary<string, string>
            {
                ["Subject"] = "one\r\nBcc: x@example.test",
                ["X-Note"] = "a\nb",
                ["Content-Type"] = "text/plain",
                ["Mime-Version"] = "2.0",
            },
        };

        var message = EmailComposer.Compose(config, "s", "t", "h", Now).Message;

        Assert.Equal("one Bcc: x@example.test", message.Subject);
        Assert.Equal("a b", message.Headers["X-Note"]);
        Assert.Null(message.Headers[HeaderId.Bcc]);
        Assert.Equal("multipart/alternative", message.Body?.ContentType.MimeType);
    }

    [Fact]
    public void A_resend_keeps_the_message_id_and_another_notification_gets_its_own()
    {
        var config = Config("smtp.test:25");
        var first = EmailComposer.Compose(config, "s", "t", "h", Now, "0123456789abcdef0123456789abcdef").Message;
        var again = EmailComposer.Compose(config, "s", "t", "h", Now.AddMinutes(1), "0123456789abcdef0123456789abcdef").Message;
        var other = EmailComposer.Compose(config, "s", "t", "h", Now).Message;

        Assert.Equal(first.MessageId, again.MessageId);
        Assert.StartsWith("0123456789abcdef0123456789abcdef@", first.MessageId, StringComparison.Ordinal);
        Assert.NotEqual(first.MessageId, other.MessageId);
    }

    [Fact]
    public void Text_and_html_are_utf8_quoted_printable_parts_of_a_multipart_alternative()
    {
        var message = EmailComposer.Compose(Config("smtp.test:25"), "Überlast", "Text ✓", "<p>HTML ✓</p>", Now).Message;

        var body = Assert.IsType<MultipartAlternative>(message.Body);
        var parts = body.OfType<TextPart>().ToList();
        Assert.Equal(["text/plain", "text/html"], parts.Select(p => p.ContentType.MimeType));
        Assert.All(parts, p => Assert.Equal("UTF-8", p.ContentType.Charset)); // as Alertmanager spells it
        Assert.All(parts, p => Assert.Equal(ContentEncoding.QuotedPrintable, p.ContentTransferEncoding));
        Assert.Equal("Text ✓", message.TextBody);
        Assert.Equal("<p>HTML ✓</p>", message.HtmlBody);
        Assert.Equal("Überlast", message.Subject);
    }

    [Theory]
    [InlineData("To", "not an address")]
    [InlineData("From", "@@")]
    public void A_header_address_that_does_not_parse_is_a_compose_error(string header, string value)
    {
        var config = Config("smtp.test:25") with { Headers = new Dictionary<string, string> { [header] = value } };

        var e = Assert.Throws<EmailComposeException>(() => EmailComposer.Compose(config, "s", "t", "h", Now));

        Assert.Contains($"{header} header", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("smtp.test:25", "smtp.test", 25)]
    [InlineData("[::1]:587", "::1", 587)]
    [InlineData("127.0.0.1:465", "127.0.0.1", 465)]
    public void Smarthost_splits_like_gos_SplitHostPort(string smarthost, string host, int port)
    {
        Assert.True(EmailNotifier.TrySplitHostPort(smarthost, out var h, out var p));
        Assert.Equal((host, port), (h, p));
    }

    [Theory]
    [InlineData("smtp.test")]
    [InlineData(":25")]
    [InlineData("smtp.test:0")]
    [InlineData("smtp.test:smtp")]
    public void Smarthost_without_a_usable_port_is_rejected(string smarthost)
    {
        Assert.False(EmailNotifier.TrySplitHostPort(smarthost, out _, out _));
    }
}
