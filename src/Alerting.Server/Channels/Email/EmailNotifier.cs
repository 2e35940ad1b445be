using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Alerting.Core.Notifications;
using Alerting.Templating;
using Alerting.Channels.Http;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Alerting.Channels.Email;

/// <summary>
/// <c>email_configs</c>: one SMTP conversation per attempt with MailKit, following Alertmanager's email
/// notifier.
/// <list type="bullet">
/// <item>Port 465 is implicit TLS; any other port uses STARTTLS, which must be offered unless
/// <c>require_tls: false</c>. Then STARTTLS is still used when the server offers it, and if that handshake
/// fails the message goes in clear, as Alertmanager (which never tries STARTTLS then) would send it.</item>
/// <item><c>hello</c> is the EHLO name; <c>tls_config</c> applies to either kind of TLS.</item>
/// <item>Authentication only when <c>auth_username</c> is set and the server offers AUTH: CRAM-MD5 with
/// <c>auth_secret</c>, else PLAIN (with <c>auth_identity</c>) or LOGIN with <c>auth_password</c> or
/// <c>auth_password_file</c>, read at send time.</item>
/// </list>
/// Outcomes: connection failures, timeouts and 4xx replies are retryable. 5xx replies to MAIL FROM or RCPT TO,
/// addresses that do not parse, rendering errors, failed authentication and a missing STARTTLS are permanent.
/// Other 5xx replies (to DATA) are retried, as Alertmanager retries every SMTP error. Passwords and secrets
/// never appear in an error.
/// </summary>
internal sealed class EmailNotifier(
    EmailConfig config,
    EmailRenderer renderer,
    TimeProvider time,
    TimeSpan? timeout = null) : INotifier, IMessagePreview
{
    /// <summary>How long one attempt (connect, TLS, auth and the whole SMTP conversation) may take.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    public string Integration => "email";

    public bool SendResolved => config.SendResolved;

    public TimeSpan Timeout => timeout is { } t && t > TimeSpan.Zero ? t : DefaultTimeout;

    public async Task<SendResult> SendAsync(NotificationRequest request, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        SendResult Permanent(string error) => new(SendOutcome.Permanent, null, error, time.GetElapsedTime(started));

        if (request.Data is null)
        {
            return Permanent("email needs the notification's alert data, and the request has none");
        }
        EmailEnvelope envelope;
        try
        {
            envelope = EmailComposer.Compose(config, renderer.Render(request.Data, request.Links), time.GetUtcNow(), request.IdempotencyKey);
        }
        catch (EmailComposeException e)
        {
            return Permanent(e.Message);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return Permanent($"render email: {e.Message}");
        }
        if (!TrySplitHostPort(config.Smarthost, out var host, out var port))
        {
            return Permanent($"invalid smarthost \"{config.Smarthost}\": want host:port");
        }
        var (password, passwordError) = await ReadPasswordAsync(ct);
        if (passwordError is not null)
        {
            return Permanent(passwordError);
        }
        var sending = config;
        if (config.AuthSecretFile is { Length: > 0 } secretFile)
        {
            var (secret, secretError) = await SecretFile.ReadAsync(secretFile, ct);
            if (secretError is not null)
            {
                return Permanent($"read auth_secret_file: {secretError}");
            }
            sending = config with { AuthSecret = secret };
        }

        var destination = $"{host}:{port.ToString(CultureInfo.InvariantCulture)}";
        using var timeoutCts = new CancellationTokenSource(Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeoutCts.Token);
        var conversation = new Conversation(sending, Timeout, host, port, password);
        try
        {
            await conversation.RunAsync(envelope, linked.Token);
            return new SendResult(SendOutcome.Success, 250, null, time.GetElapsedTime(started));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (Classify(e, timeoutCts.IsCancellationRequested) is { } failure)
        {
            var error = Scrub($"smtp {destination}: {conversation.Stage}: {failure.Message}", password, sending.AuthSecret);
            return new SendResult(failure.Outcome, failure.StatusCode, error, time.GetElapsedTime(started));
        }
        finally
        {
            conversation.Dispose();
        }
    }

    /// <summary>The headers and parts the message would have, decoded; or why it cannot be built.</summary>
    public string Preview(NotificationData data, ActionLinks? links)
    {
        MimeMessage message;
        try
        {
            message = EmailComposer.Compose(config, renderer.Render(data, links), time.GetUtcNow()).Message;
        }
        catch (EmailComposeException e)
        {
            return $"(the message cannot be built: {e.Message})";
        }
        var sb = new StringBuilder();
        foreach (var header in message.Headers.Where(h => h.Id is not (HeaderId.Date or HeaderId.MessageId or HeaderId.MimeVersion or HeaderId.ContentType)))
        {
            sb.Append(header.Field).Append(": ").Append(header.Id is HeaderId.Subject ? message.Subject : header.Value.Trim()).Append('\n');
        }
        foreach (var part in message.BodyParts.OfType<TextPart>())
        {
            sb.Append("\n--- ").Append(part.ContentType.MimeType).Append(" ---\n").Append(part.Text).Append('\n');
        }
        return sb.ToString();
    }

    private sealed record Failure(SendOutcome Outcome, int? StatusCode, string Message);

    /// <summary>What a failed attempt means; null for exceptions that are bugs and should surface.</summary>
    private Failure? Classify(Exception e, bool timedOut)
    {
        switch (e)
        {
            case OperationCanceledException when timedOut:
            case TimeoutException:
                return new(SendOutcome.Retryable, null, $"timeout after {HttpDelivery.Seconds(Timeout)}s");
            case StartTlsRequiredException:
                return new(SendOutcome.Permanent, null, e.Message);
            case AuthMechanismException:
                return new(SendOutcome.Permanent, null, e.Message);
            case AuthenticationException auth:
                return new(SendOutcome.Permanent, null, $"authentication failed for user \"{config.AuthUsername}\": {Describe(auth)}");
            case SmtpCommandException command:
                return Command(command);
            case ServiceNotAuthenticatedException:
                return new(SendOutcome.Permanent, null, $"the server requires authentication: {Describe(e)}");
            case SslHandshakeException tls:
                return new(SendOutcome.Retryable, null, $"TLS handshake: {DescribeTls(tls)}");
            case SmtpProtocolException or IOException or SocketException or ServiceNotConnectedException:
                return new(SendOutcome.Retryable, null, Describe(e));
            case NotSupportedException:
                return new(SendOutcome.Permanent, null, Describe(e));
            default:
                return null;
        }
    }

    /// <summary>4xx is transient; a 5xx about an address is permanent; other 5xx replies are retried.</summary>
    private static Failure Command(SmtpCommandException e)
    {
        var code = (int)e.StatusCode;
        var reply = $"{code.ToString(CultureInfo.InvariantCulture)} {e.Message.Trim()}";
        var (what, addressError) = e.ErrorCode switch
        {
            SmtpErrorCode.SenderNotAccepted => ($"sender <{e.Mailbox?.Address}> not accepted", true),
            SmtpErrorCode.RecipientNotAccepted => ($"recipient <{e.Mailbox?.Address}> not accepted", true),
            SmtpErrorCode.MessageNotAccepted => ("message not accepted", false),
            _ => ("unexpected reply", false),
        };
        var outcome = code is >= 500 and < 600 && addressError ? SendOutcome.Permanent : SendOutcome.Retryable;
        return new(outcome, code, $"{what}: {reply}");
    }

    /// <summary>The messages down the exception chain, each once.</summary>
    private static string Describe(Exception e)
    {
        var parts = new List<string>();
        for (var current = e; current is not null; current = current.InnerException)
        {
            var message = current.Message.Trim();
            if (message.Length > 0 && !parts.Any(p => p.Contains(message, StringComparison.Ordinal)))
            {
                parts.Add(message);
            }
        }
        return string.Join(": ", parts);
    }

    /// <summary>
    /// MailKit's message says why a certificate was refused ("The host name (127.0.0.1) did not match the name
    /// given in the server's SSL certificate (receiver.test)."), or else is a page of general advice; then the
    /// inner exception says what happened.
    /// </summary>
    private static string DescribeTls(SslHandshakeException e)
    {
        var lines = e.Message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length > 1 && !lines[1].StartsWith("This usually means", StringComparison.Ordinal))
        {
            return string.Join(' ', lines.Skip(1));
        }
        return e.InnerException is { } inner ? Describe(inner) : lines.FirstOrDefault() ?? "failed";
    }

    /// <summary>Belt and braces: no password or secret in an error, whatever a server echoes.</summary>
    private string Scrub(string error, string? password, string? authSecret)
    {
        foreach (var secret in (string?[])[password, config.AuthPassword, authSecret])
        {
            if (!string.IsNullOrEmpty(secret) && secret.Length >= 3)
            {
                error = error.Replace(secret, "<secret>", StringComparison.Ordinal);
            }
        }
        return error;
    }

    /// <summary>auth_password, or the trimmed content of auth_password_file read at send time.</summary>
    private async Task<(string? Password, string? Error)> ReadPasswordAsync(CancellationToken ct)
    {
        if (string.IsNullOrEmpty(config.AuthPasswordFile))
        {
            return (config.AuthPassword, null);
        }
        try
        {
            return ((await File.ReadAllTextAsync(config.AuthPasswordFile, ct)).Trim(), null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The exception names the file, never its content.
            return (null, $"read auth_password_file: {e.Message}");
        }
    }

    /// <summary>Go's net.SplitHostPort: <c>host:port</c> or <c>[v6]:port</c>.</summary>
    internal static bool TrySplitHostPort(string smarthost, out string host, out int port)
    {
        host = "";
        port = 0;
        var colon = smarthost.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(smarthost.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
        {
            return false;
        }
        host = smarthost[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }
        return host.Length > 0 && !host.Contains('[', StringComparison.Ordinal) && !host.Contains(']', StringComparison.Ordinal);
    }

    private sealed class StartTlsRequiredException(string message) : Exception(message);

    private sealed class AuthMechanismException(string message) : Exception(message);

    /// <summary>One SMTP session; <see cref="Stage"/> says how far it got, for the error.</summary>
    private sealed class Conversation(EmailConfig config, TimeSpan timeout, string host, int port, string? password) : IDisposable
    {
        private TlsSmtpClient? client;

        public string Stage { get; private set; } = "connect";

        public async Task RunAsync(EmailEnvelope envelope, CancellationToken ct)
        {
            var implicitTls = port == 465;
            try
            {
                await ConnectAsync(implicitTls ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTlsWhenAvailable, ct);
            }
            catch (SslHandshakeException) when (!implicitTls && !config.RequireTls)
            {
                // Opportunistic STARTTLS failed (often a self-signed certificate on a local relay):
                // Alertmanager would have sent in clear all along, so do that.
                client!.Dispose();
                Stage = "connect";
                await ConnectAsync(SecureSocketOptions.None, ct);
            }
            if (config.RequireTls && !client!.IsSecure)
            {
                throw new StartTlsRequiredException(
                    $"'require_tls' is true (default) but \"{config.Smarthost}\" does not advertise the STARTTLS extension");
            }

            await AuthenticateAsync(ct);

            Stage = "send";
            await client!.SendAsync(envelope.Message, envelope.Sender, envelope.Recipients, ct);

            Stage = "quit";
            try
            {
                await client.DisconnectAsync(quit: true, ct);
            }
            catch (Exception e) when (e is IOException or SocketException or SmtpProtocolException or SmtpCommandException or TimeoutException)
            {
                // The message was accepted; a failed QUIT changes nothing.
            }
        }

        private async Task ConnectAsync(SecureSocketOptions options, CancellationToken ct)
        {
            client = new TlsSmtpClient(config.TlsConfig)
            {
                Timeout = (int)Math.Min(int.MaxValue, timeout.TotalMilliseconds),
                LocalDomain = config.Hello,
            };
            Stage = "connect";
            await client.ConnectAsync(host, port, options, ct);
        }

        /// <summary>
        /// Alertmanager's rules: no username, or a server that offers no AUTH, means no authentication. Of the
        /// mechanisms offered, CRAM-MD5 when there is a secret (the password never crosses the wire), else
        /// PLAIN, else LOGIN, which both need a password.
        /// </summary>
        private async Task AuthenticateAsync(CancellationToken ct)
        {
            if (string.IsNullOrEmpty(config.AuthUsername) || !client!.Capabilities.HasFlag(SmtpCapabilities.Authentication))
            {
                return;
            }
            var offered = client.AuthenticationMechanisms;
            SaslMechanism? mechanism = null;
            if (!string.IsNullOrEmpty(config.AuthSecret) && offered.Contains("CRAM-MD5"))
            {
                mechanism = new SaslMechanismCramMd5(new NetworkCredential(config.AuthUsername, config.AuthSecret));
            }
            else if (!string.IsNullOrEmpty(password) && offered.Contains("PLAIN"))
            {
                mechanism = new SaslMechanismPlain(new NetworkCredential(config.AuthUsername, password))
                {
                    AuthorizationId = config.AuthIdentity ?? "",
                };
            }
            else if (!string.IsNullOrEmpty(password) && offered.Contains("LOGIN"))
            {
                mechanism = new SaslMechanismLogin(new NetworkCredential(config.AuthUsername, password));
            }
            if (mechanism is null)
            {
                var have = string.IsNullOrEmpty(password) && string.IsNullOrEmpty(config.AuthSecret)
                    ? "no auth_password or auth_secret"
                    : string.IsNullOrEmpty(password) ? "only auth_secret (for CRAM-MD5)" : "auth_password (for PLAIN or LOGIN)";
                throw new AuthMechanismException(
                    $"no usable auth mechanism: the server offers {string.Join(' ', offered.Order(StringComparer.Ordinal))}, the config has {have}");
            }
            Stage = $"auth {mechanism.MechanismName}";
            await client.AuthenticateAsync(mechanism, ct);
        }

        public void Dispose() => client?.Dispose();
    }
}
