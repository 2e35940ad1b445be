using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using MimeKit;
using SmtpServer;
using SmtpServer.Authentication;
using SmtpServer.Mail;
using SmtpServer.Net;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Alerting.Channels.Email;

/// <summary>What the SMTP server saw of one delivered message.</summary>
internal sealed record ReceivedMail(
    MimeMessage Message,
    string EnvelopeFrom,
    IReadOnlyList<string> EnvelopeTo,
    string? Ehlo,
    string? AuthMethod,
    string? AuthUser,
    bool Secure);

/// <summary>
/// A real SMTP server (the SmtpServer package) in the test process on 127.0.0.1 and a free port, recording
/// every message it accepts.
/// </summary>
internal sealed class SmtpTestServer : IAsyncDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly ConcurrentQueue<ReceivedMail> received = new();
    private readonly Channel<ReceivedMail> inbox = Channel.CreateUnbounded<ReceivedMail>();
    private readonly ConcurrentDictionary<string, SessionInfo> sessions = new();
    private Task running = Task.CompletedTask;

    public int Port { get; private set; }

    public string Smarthost => $"{Endpoint.Address}:{Port}";

    public IReadOnlyList<ReceivedMail> Received => [.. received];

    /// <summary>Accepted logins, as user and password; null accepts no AUTH (and none is advertised).</summary>
    public Func<string, string, bool>? Authenticate { get; init; }

    /// <summary>The AUTH mechanisms to advertise instead of SmtpServer's "PLAIN LOGIN", e.g. "LOGIN".</summary>
    public string? AuthMechanisms { get; init; }

    /// <summary>A reply to RCPT TO for an address, or null to accept it.</summary>
    public Func<string, SmtpResponse?>? Recipient { get; init; }

    /// <summary>A reply to MAIL FROM for an address, or null to accept it.</summary>
    public Func<string, SmtpResponse?>? Sender { get; init; }

    /// <summary>The reply to the end of DATA instead of 250, or null to accept the message.</summary>
    public SmtpResponse? DataReply { get; init; }

    /// <summary>With a certificate the server offers STARTTLS (or speaks TLS from the start with <see cref="ImplicitTls"/>).</summary>
    public X509Certificate2? Certificate { get; init; }

    public bool ImplicitTls { get; init; }

    /// <summary>Where to listen; port 0 picks a free one.</summary>
    public IPEndPoint Endpoint { get; init; } = new(IPAddress.Loopback, 0);

    /// <summary>Starts listening; returns once the port is known.</summary>
    public async Task<SmtpTestServer> StartAsync()
    {
        await StartCoreAsync();
        return this;
    }

    /// <summary>The next message accepted (in order), or a TimeoutException.</summary>
    public async Task<ReceivedMail> NextAsync(TimeSpan? within = null)
    {
        using var cts = new CancellationTokenSource(within ?? TimeSpan.FromSeconds(5));
        try
        {
            return await inbox.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("no message arrived");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        try
        {
            await running.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException)
        {
        }
        stop.Dispose();
    }

    private async Task StartCoreAsync()
    {
        var options = new SmtpServerOptionsBuilder()
            .ServerName("smtp.test")
            .Endpoint(builder =>
            {
                builder.Endpoint(Endpoint).AllowUnsecureAuthentication(true).IsSecure(ImplicitTls);
                if (Certificate is not null)
                {
                    builder.Certificate(Certificate);
                }
            })
            .Build();

        var listeners = new EndpointListenerFactory();
        var started = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        listeners.EndpointStarted += (_, e) => started.TrySetResult(((IPEndPoint)e.LocalEndPoint).Port);

        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(listeners);
        services.Add(new Store(this));
        services.Add(new Filter(this));
        if (Authenticate is { } authenticate)
        {
            services.Add(new DelegatingUserAuthenticator((user, password) => authenticate(user, password)));
        }

        // SmtpServer offers AUTH even without an authenticator; without one this server offers none.
        services.Add(new CommandFactory(Authenticate is null ? null : AuthMechanisms ?? "PLAIN LOGIN"));

        var server = new SmtpServer.SmtpServer(options, services);
        server.SessionCreated += (_, e) =>
        {
            var info = sessions[e.Context.SessionId.ToString()] = new SessionInfo();
            e.Context.CommandExecuting += (_, c) =>
            {
                switch (c.Command)
                {
                    case EhloCommand ehlo:
                        info.Ehlo = ehlo.DomainOrAddress;
                        break;
                    case AuthCommand auth:
                        info.AuthMethod = auth.Method.ToString().ToUpperInvariant();
                        break;
                }
            };
        };
        running = server.StartAsync(stop.Token);
        Port = await started.Task.WaitAsync(TimeSpan.FromSeconds(5));
    }

    private SessionInfo Session(ISessionContext context) =>
        sessions.TryGetValue(context.SessionId.ToString(), out var info) ? info : new SessionInfo();

    private sealed class SessionInfo
    {
        public string? Ehlo;
        public string? AuthMethod;
    }

    private sealed class Store(SmtpTestServer server) : MessageStore
    {
        public override Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            if (server.DataReply is { } reply)
            {
                return Task.FromResult(reply);
            }
            using var stream = new MemoryStream(buffer.ToArray());
            var session = server.Session(context);
            var mail = new ReceivedMail(
                MimeMessage.Load(stream, cancellationToken),
                transaction.From.AsAddress(),
                [.. transaction.To.Select(t => t.AsAddress())],
                session.Ehlo,
                session.AuthMethod,
                context.Authentication.IsAuthenticated ? context.Authentication.User : null,
                context.Pipe.IsSecure);
            server.received.Enqueue(mail);
            server.inbox.Writer.TryWrite(mail);
            return Task.FromResult(SmtpResponse.Ok);
        }
    }

    private sealed class Filter(SmtpTestServer server) : MailboxFilter
    {
        public override Task<bool> CanAcceptFromAsync(ISessionContext context, IMailbox from, int size, CancellationToken cancellationToken)
        {
            if (server.Sender?.Invoke(from.AsAddress()) is { } reply)
            {
                throw new SmtpResponseException(reply);
            }
            return Task.FromResult(true);
        }

        public override Task<bool> CanDeliverToAsync(ISessionContext context, IMailbox to, IMailbox from, CancellationToken cancellationToken)
        {
            if (server.Recipient?.Invoke(to.AsAddress()) is { } reply)
            {
                throw new SmtpResponseException(reply);
            }
            return Task.FromResult(true);
        }
    }

    private sealed class CommandFactory(string? mechanisms) : SmtpCommandFactory
    {
        public override SmtpCommand CreateEhlo(string domainOrAddress) => new Ehlo(domainOrAddress, mechanisms);
    }

    /// <summary>EHLO with the AUTH line replaced by <paramref name="mechanisms"/>, or dropped when null.</summary>
    private sealed class Ehlo(string domainOrAddress, string? mechanisms) : EhloCommand(domainOrAddress)
    {
        protected override IEnumerable<string> GetExtensions(ISessionContext context) =>
            base.GetExtensions(context)
                .Where(e => mechanisms is not null || !e.StartsWith("AUTH", StringComparison.Ordinal))
                .Select(e => e.StartsWith("AUTH ", StringComparison.Ordinal) ? "AUTH " + mechanisms : e);
    }
}
