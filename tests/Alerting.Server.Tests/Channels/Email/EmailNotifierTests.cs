using System.Security.Cryptography;
using System.Text;
using Alerting.Core.Labels;
using Alerting.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using static Alerting.Channels.Email.EmailTestData;

namespace Alerting.Channels.Email;

/// <summary>The email notifier against a real SMTP server (the SmtpServer package) in the test process.</summary>
public sealed class EmailNotifierTests : IDisposable
{
    private readonly TempDirectory dir = new("alerting-email-");

    public void Dispose() => dir.Dispose();

    [Fact]
    public async Task Delivers_a_multipart_alternative_message_with_the_configured_envelope_and_headers()
    {
        await using var server = await new SmtpTestServer().StartAsync();
        var config = Config(server.Smarthost) with
        {
            To = "oncall@example.test, Second Person <second@example.test>",
            Headers = new Dictionary<string, string>
            {
                ["Subject"] = "Disk alarm ✓",
                ["X-Team"] = "storage",
                ["Reply-To"] = "noc@example.test",
            },
        };

        var result = await Notifier(config, time: new FakeTimeProvider(Now)).SendAsync(Request(), CancellationToken.None);

        AssertSuccess(result);
        Assert.Equal(250, result.StatusCode);
        Assert.Null(result.Error);
        var mail = await server.NextAsync();
        Assert.Equal("alerting@example.test", mail.EnvelopeFrom);
        Assert.Equal(["oncall@example.test", "second@example.test"], mail.EnvelopeTo);
        Assert.Equal("alerting.example.test", mail.Ehlo);
        Assert.Null(mail.AuthUser);
        Assert.False(mail.Secure);

        var message = mail.Message;
        var from = Assert.Single(message.From.Mailboxes);
        Assert.Equal(("Alerting", "alerting@example.test"), (from.Name, from.Address));
        Assert.Equal(["oncall@example.test", "second@example.test"], message.To.Mailboxes.Select(m => m.Address));
        Assert.Equal("Disk alarm ✓", message.Subject);
        Assert.Equal("storage", message.Headers["X-Team"]);
        Assert.Equal("noc@example.test", message.ReplyTo.Mailboxes.Single().Address);
        Assert.Equal(Now, message.Date);
        Assert.EndsWith("@example.test", message.MessageId, StringComparison.Ordinal);

        var body = Assert.IsType<MultipartAlternative>(message.Body);
        Assert.Equal("multipart/alternative", body.ContentType.MimeType);
        Assert.Collection(
            body,
            part => Assert.Equal("text/plain", part.ContentType.MimeType),
            part => Assert.Equal("text/html", part.ContentType.MimeType));
        Assert.Contains("2 alerts for alertname=DiskFull", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("instance = db-2", message.TextBody, StringComparison.Ordinal);
        Assert.Contains(TestLinks.Acknowledge, message.TextBody, StringComparison.Ordinal);
        Assert.Contains("<html>", message.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("db-1", message.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("href=\"https://alerting.test/action/silence?t=4h\"", message.HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_subject_header_the_default_subject_is_used_and_a_templated_one_falls_back_to_it()
    {
        await using var server = await new SmtpTestServer().StartAsync();
        var plain = Config(server.Smarthost);
        var templated = plain with { Headers = new Dictionary<string, string> { ["Subject"] = "{{ template \"email.default.subject\" . }}" } };

        Assert.Equal(SendOutcome.Success, (await Notifier(plain).SendAsync(Request(), CancellationToken.None)).Outcome);
        Assert.Equal(SendOutcome.Success, (await Notifier(templated).SendAsync(Request(), CancellationToken.None)).Outcome);

        Assert.Equal("[FIRING:2] DiskFull (eu1 critical)", (await server.NextAsync()).Message.Subject);
        Assert.Equal("[FIRING:2] DiskFull (eu1 critical)", (await server.NextAsync()).Message.Subject);
    }

    [Fact]
    public async Task Alert_values_are_escaped_in_the_html_part_and_cannot_add_headers()
    {
        await using var server = await new SmtpTestServer().StartAsync();
        const string Evil = "<script>alert('x')</script>";
        var data = Data(Alert(
            LabelSet.From(("alertname", "Inject\r\nBcc: victim@example.test"), ("payload", Evil)),
            LabelSet.From(("summary", "<img src=x onerror=alert(1)> & more")),
            generatorUrl: "javascript:alert(document.cookie)"));

        var result = await Notifier(Config(server.Smarthost)).SendAsync(Request(data), CancellationToken.None);

        AssertSuccess(result);
        var mail = await server.NextAsync();
        var html = mail.Message.HtmlBody;
        Assert.DoesNotContain("<script>", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("href=\"javascript:", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt; &amp; more", html, StringComparison.Ordinal);
        // The text part carries the values as they are.
        Assert.Contains(Evil, mail.Message.TextBody, StringComparison.Ordinal);
        // A line break in a label value does not start a header of its own.
        Assert.Null(mail.Message.Headers["Bcc"]);
        Assert.Equal(["oncall@example.test"], mail.EnvelopeTo);
        Assert.StartsWith("[FIRING:1] Inject Bcc: victim@example.test", mail.Message.Subject, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Auth_plain_sends_username_password_and_identity()
    {
        (string User, string Password)? seen = null;
        await using var server = await new SmtpTestServer
        {
            Authenticate = (user, password) =>
            {
                seen = (user, password);
                return user == "alerting" && password == Password;
            },
        }.StartAsync();
        var config = Config(server.Smarthost) with { AuthUsername = "alerting", AuthPassword = Password };

        var result = await Notifier(config).SendAsync(Request(), CancellationToken.None);

        AssertSuccess(result);
        var mail = await server.NextAsync();
        Assert.Equal("PLAIN", mail.AuthMethod);
        Assert.Equal("alerting", mail.AuthUser);
        Assert.Equal(("alerting", Password), seen);
    }

    [Fact]
    public async Task Auth_login_with_the_password_read_from_auth_password_file_at_send_time()
    {
        await using var server = await new SmtpTestServer
        {
            Authenticate = (user, password) => user == "alerting" && password == "rotated-password",
            AuthMechanisms = "LOGIN",
        }.StartAsync();
        var file = Path.Combine(dir.Path, "password");
        await File.WriteAllTextAsync(file, "old-password\n");
        var notifier = Notifier(Config(server.Smarthost) with { AuthUsername = "alerting", AuthPasswordFile = file });
        var first = await notifier.SendAsync(Request(), CancellationToken.None);
        await File.WriteAllTextAsync(file, "rotated-password\n");

        var second = await notifier.SendAsync(Request(), CancellationToken.None);

        Assert.Equal(SendOutcome.Permanent, first.Outcome);
        AssertSuccess(second);
        var mail = await server.NextAsync();
        Assert.Equal("LOGIN", mail.AuthMethod);
        Assert.Equal("alerting", mail.AuthUser);
    }

    [Fact]
    public async Task Bad_credentials_are_permanent_and_the_error_never_shows_the_password()
    {
        await using var server = await new SmtpTestServer { Authenticate = (_, _) => false }.StartAsync();
        var config = Config(server.Smarthost) with { AuthUsername = "alerting", AuthPassword = Password };

        var result = await Notifier(config).SendAsync(Request(), CancellationToken.None);

        Assert.Equal(SendOutcome.Permanent, result.Outcome);
        Assert.Contains("authentication failed for user \"alerting\"", result.Error, StringComparison.Ordinal);
        Assert.Contains(server.Smarthost, result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(Password)), result.Error, StringComparison.Ordinal);
        Assert.Empty(server.Received);
    }

    [Fact]
    public async Task A_server_that_offers_no_auth_gets_none_even_with_a_username()
    {
        await using var server = await new SmtpTestServer().StartAsync();
        var config = Config(server.Smarthost) with { AuthUsername = "alerting", AuthPassword = Password };

        var result = await Notifier(config).SendAsync(Request(), CancellationToken.None);

        AssertSuccess(result);
        var mail = await server.NextAsync();
        Assert.Null(mail.AuthMethod);
        Assert.Null(mail.AuthUser);
    }

    [Fact]
    public async Task Auth_without_a_usable_mechanism_is_permanent()
    {
        await using var server = await new SmtpTestServer { Authenticate = (_, _) => true }.StartAsync();
        // A username but neither password nor secret: PLAIN and LOGIN need a password.
        var config = Config(server.Smarthost) with { AuthUsername = "alerting" };

        var result = await Notifier(config).SendAsync(Request(), CancellationToken.None);

        Assert.Equal(SendOutcome.Permanent, result.Outcome);
        Assert.Contains("no usable auth mechanism: the server offers LOGIN PLAIN", result.Error, StringComparison.Ordinal);
        Assert.Empty(server.Received);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Auth_cram_md5_uses_auth_secret_and_never_sends_it(bool fromFile)
    {
        var transcript = new List<string>();
        const string Challenge = "<1896.697170952@smtp.test>";
        string? digest = null;
        await using var server = new RawTcpServer(async (client, _, ct) =>
        {
            using (client)
            {
                var lines = new SmtpLines(client.GetStream());
                await lines.SendAsync("220 smtp.test ESMTP", ct);
                while (true)
                {
                    var line = await lines.ReadAsync(ct);
                    lock (transcript)
                    {
                        transcript.Add(line);
                    }
                    var verb = line.Split(' ')[0].ToUpperInvariant();
                    switch (verb)
                    {
                        case "EHLO":
                            await lines.SendAsync("250-smtp.test", ct);
                            await lines.SendAsync("250 AUTH PLAIN CRAM-MD5 LOGIN", ct);
                            break;
                        case "AUTH":
                            await lines.SendAsync("334 " + Convert.ToBase64String(Encoding.ASCII.GetBytes(Challenge)), ct);
                            var answer = Encoding.ASCII.GetString(Convert.FromBase64String(await lines.ReadAsync(ct)));
                            digest = answer;
                            await lines.SendAsync("235 2.7.0 Authentication successful", ct);
                            break;
                        case "DATA":
                            await lines.SendAsync("354 go ahead", ct);
                            while (await lines.ReadAsync(ct) != ".")
                            {
                            }
                            await lines.SendAsync("250 2.0.0 queued", ct);
                            break;
                        case "QUIT":
                            await lines.SendAsync("221 bye", ct);
                            return;
                        default:
                            await lines.SendAsync("250 ok", ct);
                            break;
                    }
                }
            }
        });
        var config = Config(server.Smarthost) with { AuthUsername = "alerting", AuthPassword = Password, AuthSecret = "cram-secret" };
        var secretFile = Path.GetTempFileName();
        if (fromFile)
        {
            // auth_secret_file: read at send time, trimmed.
            await File.WriteAllTextAsync(secretFile, "cram-secret\n");
            config = config with { AuthSecret = null, AuthSecretFile = secretFile };
        }

        var result = await Notifier(config).SendAsync(Request(), CancellationToken.None);
        File.Delete(secretFile);

        AssertSuccess(result);
        Assert.Contains("AUTH CRAM-MD5", transcript);
        var expected = Convert.ToHexStringLower(HMACMD5.HashData(Encoding.UTF8.GetBytes("cram-secret"), Encoding.ASCII.GetBytes(Challenge)));
        Assert.Equal($"alerting {expected}", digest);
        Assert.DoesNotContain(transcript, l => l.Contains(Convert.ToBase64String(Encoding.UTF8.GetBytes(Password)), StringComparison.Ordinal));
    }
}
