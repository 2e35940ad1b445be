using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Net;
using Alerting.Channels.Http;
using Alerting.Core.Configuration;
using Alerting.Infrastructure;
using SmtpServer.Protocol;
using static Alerting.Channels.Email.EmailTestData;

namespace Alerting.Channels.Email;
/// <summary>The email notifier's TLS and how it classifies failures, against a real SMTP server in the test process.</summary>
public sealed class EmailTransportTests : IDisposable
{
    private readonly TempDirectory dir = new("alerting-email-");

    public void Dispose() => dir.Dispose();

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
