using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Alerting.Configuration;
using Alerting.Infrastructure;
using Alerting.Labels;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using SmtpServer.Protocol;
using static Alerting.Channels.Email.EmailTestData;

namespace Alerting.Channels.Email;

/// <summary>The email notifier against a real SMTP server (the SmtpServer package) in the test process.</summary>
public sealed class EmailNotifierTests : IDisposable
{
    private const string Password = "s3cr3t-Pa55word";

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

    [Fact]
    public async Task Auth_cram_md5_uses_auth_secret_and_never_sends_it()
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

        var result = await Notifier(config).SendAsync(Request(), CancellationToken.None);

        AssertSuccess(result);
        Assert.Contains("AUTH CRAM-MD5", transcript);
        var expected = Convert.ToHexStringLower(HMACMD5.HashData(Encoding.UTF8.GetBytes("cram-secret"), Encoding.ASCII.GetBytes(Challenge)));
        Assert.Equal($"alerting {expected}", digest);
        Assert.DoesNotContain(transcript, l => l.Contains(Convert.ToBase64String(Encoding.UTF8.GetBytes(Password)), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Require_tls_without_starttls_on_offer_is_permanent_as_in_Alertmanager()
    {
        await using var server = await new SmtpTestServer().StartAsync();

        var result = await Notifier(Config(server.Smarthost, requireTls: true)).SendAsync(Request(), CancellationToken.None);

        Assert.Equal(SendOutcome.Permanent, result.Outcome);
        Assert.Contains(
            $"'require_tls' is true (default) but \"{server.Smarthost}\" does not advertise the STARTTLS extension",
            result.Error,
            StringComparison.Ordinal);
        Assert.Empty(server.Received);
    }

    [Fact]
    public async Task Starttls_with_tls_config_ca_file_and_server_name_then_auth()
    {
        using var pki = new TestPki();
        await using var server = await new SmtpTestServer
        {
            Certificate = pki.Server,
            Authenticate = (user, password) => user == "alerting" && password == Password,
        }.StartAsync();
        var config = Config(server.Smarthost, requireTls: true) with
        {
            AuthUsername = "alerting",
            AuthPassword = Password,
            TlsConfig = new TlsConfig { CaFile = pki.CaFile, ServerName = TestPki.ServerName },
        };

        var result = await Notifier(config).SendAsync(Request(), CancellationToken.None);

        AssertSuccess(result);
        var mail = await server.NextAsync();
        Assert.True(mail.Secure);
        Assert.Equal("alerting", mail.AuthUser);
    }

    [Fact]
    public async Task Starttls_with_an_untrusted_certificate_is_retryable_when_tls_is_required()
    {
        using var pki = new TestPki();
        await using var server = await new SmtpTestServer { Certificate = pki.Server }.StartAsync();

        var result = await Notifier(Config(server.Smarthost, requireTls: true)).SendAsync(Request(), CancellationToken.None);

        Assert.Equal(SendOutcome.Retryable, result.Outcome);
        Assert.Equal(
            $"smtp {server.Smarthost}: connect: TLS handshake: The host name (127.0.0.1) did not match the name given in the server's SSL certificate ({TestPki.ServerName}).",
            result.Error);
        Assert.DoesNotContain("\n", result.Error, StringComparison.Ordinal);
        Assert.Empty(server.Received);
    }

    [Fact]
    public async Task Insecure_skip_verify_accepts_any_certificate()
    {
        using var pki = new TestPki();
        await using var server = await new SmtpTestServer { Certificate = pki.Server }.StartAsync();
        var config = Config(server.Smarthost, requireTls: true) with { TlsConfig = new TlsConfig { InsecureSkipVerify = true } };

        var result = await Notifier(config).SendAsync(Request(), CancellationToken.None);

        AssertSuccess(result);
        Assert.True((await server.NextAsync()).Secure);
    }

    [Fact]
    public async Task Without_require_tls_starttls_is_used_when_it_works_and_clear_text_otherwise()
    {
        using var pki = new TestPki();
        await using var trusted = await new SmtpTestServer { Certificate = pki.Server }.StartAsync();
        // Untrusted: no ca_file. Alertmanager would not even try STARTTLS here, so the message goes in clear.
        await using var untrusted = await new SmtpTestServer { Certificate = pki.Server }.StartAsync();
        await using var clear = await new SmtpTestServer().StartAsync();
        var tls = new TlsConfig { CaFile = pki.CaFile, ServerName = TestPki.ServerName };

        var results = new[]
        {
            await Notifier(Config(trusted.Smarthost) with { TlsConfig = tls }).SendAsync(Request(), CancellationToken.None),
            await Notifier(Config(untrusted.Smarthost)).SendAsync(Request(), CancellationToken.None),
            await Notifier(Config(clear.Smarthost)).SendAsync(Request(), CancellationToken.None),
        };

        Assert.All(results, AssertSuccess);
        Assert.True((await trusted.NextAsync()).Secure);
        Assert.False((await untrusted.NextAsync()).Secure);
        Assert.False((await clear.NextAsync()).Secure);
    }

    [Fact]
    public async Task Port_465_speaks_tls_from_the_start()
    {
        using var pki = new TestPki();
        // 465 decides implicit TLS, as in Alertmanager; 127.0.0.2 keeps it clear of anything on 127.0.0.1.
        await using var server = await new SmtpTestServer
        {
            Certificate = pki.Server,
            ImplicitTls = true,
            Endpoint = new IPEndPoint(IPAddress.Parse("127.0.0.2"), 465),
        }.StartAsync();
        Assert.Equal("127.0.0.2:465", server.Smarthost);
        var config = Config(server.Smarthost, requireTls: true) with
        {
            TlsConfig = new TlsConfig { CaFile = pki.CaFile, ServerName = TestPki.ServerName },
        };

        var result = await Notifier(config).SendAsync(Request(), CancellationToken.None);

        AssertSuccess(result);
        Assert.True((await server.NextAsync()).Secure);
    }

    [Fact]
    public async Task A_server_that_drops_the_first_connection_gets_the_message_on_the_second_attempt()
    {
        await using var server = await new SmtpTestServer().StartAsync();
        await using var proxy = RawTcpServer.DroppingProxy(server.Port);
        var notifier = Notifier(Config(proxy.Smarthost));

        var first = await notifier.SendAsync(Request(), CancellationToken.None);
        var second = await notifier.SendAsync(Request(), CancellationToken.None);

        Assert.Equal(SendOutcome.Retryable, first.Outcome);
        Assert.StartsWith($"smtp {proxy.Smarthost}: connect: ", first.Error, StringComparison.Ordinal);
        AssertSuccess(second);
        Assert.Equal(2, proxy.Connections);
        Assert.Single(server.Received);
    }

    /// <summary>
    /// What is retried: every 4xx; a 5xx to MAIL FROM or RCPT TO (the address is refused) is not; a 5xx to
    /// DATA is, as the issue says SMTP command errors are (Alertmanager retries them all).
    /// </summary>
    [Theory]
    [InlineData("MAIL", 550, "Permanent", "sender <alerting@example.test> not accepted")]
    [InlineData("MAIL", 553, "Permanent", "sender <alerting@example.test> not accepted")]
    [InlineData("MAIL", 451, "Retryable", "sender <alerting@example.test> not accepted")]
    [InlineData("MAIL", 421, "Retryable", "sender <alerting@example.test> not accepted")]
    [InlineData("RCPT", 550, "Permanent", "recipient <oncall@example.test> not accepted")]
    [InlineData("RCPT", 553, "Permanent", "recipient <oncall@example.test> not accepted")]
    [InlineData("RCPT", 451, "Retryable", "recipient <oncall@example.test> not accepted")]
    [InlineData("RCPT", 452, "Retryable", "recipient <oncall@example.test> not accepted")]
    [InlineData("DATA", 451, "Retryable", "message not accepted")]
    [InlineData("DATA", 452, "Retryable", "message not accepted")]
    [InlineData("DATA", 554, "Retryable", "message not accepted")]
    public async Task Smtp_replies_are_classified_by_command_and_code(string command, int code, string outcome, string what)
    {
        var reply = new SmtpResponse((SmtpReplyCode)code, "not today");
        await using var server = await new SmtpTestServer
        {
            Sender = command == "MAIL" ? _ => reply : null,
            Recipient = command == "RCPT" ? to => to == "oncall@example.test" ? reply : null : null,
            DataReply = command == "DATA" ? reply : null,
        }.StartAsync();

        var result = await Notifier(Config(server.Smarthost)).SendAsync(Request(), CancellationToken.None);

        Assert.Equal(Enum.Parse<SendOutcome>(outcome), result.Outcome);
        Assert.Equal(code, result.StatusCode);
        // SmtpServer adds how many tries are left to some replies.
        Assert.StartsWith(
            $"smtp {server.Smarthost}: send: {what}: {code.ToString(CultureInfo.InvariantCulture)} not today",
            result.Error,
            StringComparison.Ordinal);
        Assert.Empty(server.Received);
    }

    [Fact]
    public async Task A_server_that_never_answers_the_banner_times_out_as_retryable()
    {
        await using var server = RawTcpServer.Silent();
        var timeout = TimeSpan.FromSeconds(1);
        var watch = Stopwatch.StartNew();

        var result = await Notifier(Config(server.Smarthost), timeout).SendAsync(Request(), CancellationToken.None);

        watch.Stop();
        Assert.Equal(SendOutcome.Retryable, result.Outcome);
        Assert.Equal($"smtp {server.Smarthost}: connect: timeout after 1s", result.Error);
        Assert.InRange(watch.Elapsed, timeout - TimeSpan.FromMilliseconds(100), timeout + TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task A_refused_connection_is_retryable()
    {
        var result = await Notifier(Config(ClosedPortSmarthost())).SendAsync(Request(), CancellationToken.None);

        Assert.Equal(SendOutcome.Retryable, result.Outcome);
        Assert.Contains(": connect: ", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not an address", "Alerting <alerting@example.test>", "parse 'to' addresses")]
    [InlineData("ok@example.test, broken@", "Alerting <alerting@example.test>", "parse 'to' addresses")]
    [InlineData("ok@example.test", "no-domain", "parse 'from' address")]
    public async Task Addresses_that_do_not_parse_are_permanent_and_nothing_is_sent(string to, string from, string error)
    {
        await using var server = RawTcpServer.Silent();
        var config = Config(server.Smarthost) with { To = to, From = from };

        var result = await Notifier(config).SendAsync(Request(), CancellationToken.None);

        Assert.Equal(SendOutcome.Permanent, result.Outcome);
        Assert.StartsWith(error, result.Error, StringComparison.Ordinal);
        Assert.Equal(0, server.Connections);
    }

    [Fact]
    public async Task A_request_without_alert_data_is_permanent()
    {
        var result = await Notifier(Config(ClosedPortSmarthost())).SendAsync(new NotificationRequest("r", "g", "{}", 1), CancellationToken.None);

        Assert.Equal(SendOutcome.Permanent, result.Outcome);
        Assert.Contains("alert data", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreadable_password_file_is_permanent()
    {
        var config = Config(ClosedPortSmarthost()) with { AuthUsername = "a", AuthPasswordFile = Path.Combine(dir.Path, "missing") };

        var result = await Notifier(config).SendAsync(Request(), CancellationToken.None);

        Assert.Equal(SendOutcome.Permanent, result.Outcome);
        Assert.StartsWith("read auth_password_file: ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancelling_the_token_throws_instead_of_returning_a_result()
    {
        await using var server = RawTcpServer.Silent();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => Notifier(Config(server.Smarthost), TimeSpan.FromSeconds(5)).SendAsync(Request(), cts.Token));
    }

    private static void AssertSuccess(SendResult result) => Assert.True(result.Outcome == SendOutcome.Success, $"{result.Outcome}: {result.Error}");

    private EmailNotifier Notifier(EmailConfig config, TimeSpan? timeout = null, TimeProvider? time = null) =>
        new(config, EmailRenderer.Default, time ?? TimeProvider.System, timeout ?? TimeSpan.FromSeconds(5));

    /// <summary>A port on 127.0.0.1 that nothing listens on.</summary>
    private static string ClosedPortSmarthost()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
    }
}
