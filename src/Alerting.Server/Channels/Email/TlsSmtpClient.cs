using System.Net.Security;
using Alerting.Channels.Http;
using Alerting.Core.Configuration;
using MailKit.Net.Smtp;

namespace Alerting.Channels.Email;

/// <summary>
/// MailKit's SMTP client with prometheus/common's <c>tls_config</c> applied to every TLS handshake (implicit
/// TLS and STARTTLS alike), through the same <see cref="TlsSetup"/> as the HTTP integrations.
/// <c>server_name</c> is also the name sent in SNI and checked against the certificate, as Go's
/// tls.Config.ServerName is.
/// </summary>
internal sealed class TlsSmtpClient : SmtpClient
{
    private readonly TlsConfig? tls;
    private readonly SslClientAuthenticationOptions? configured;

    public TlsSmtpClient(TlsConfig? tls)
    {
        // Go's crypto/tls does not check revocation; neither do the HTTP integrations.
        CheckCertificateRevocation = false;
        this.tls = tls;
        if (tls is null)
        {
            return;
        }
        configured = new SslClientAuthenticationOptions();
        TlsSetup.Apply(configured, tls);
        // MailKit hands its own validation callback to the SslStream constructor, which then refuses one in
        // the options; it calls this one from there.
        if (configured.RemoteCertificateValidationCallback is { } validate)
        {
            ServerCertificateValidationCallback = validate;
        }
    }

    protected override SslClientAuthenticationOptions GetSslClientAuthenticationOptions(string host, RemoteCertificateValidationCallback remoteCertificateValidationCallback)
    {
        var options = base.GetSslClientAuthenticationOptions(host, remoteCertificateValidationCallback);
        if (tls is null || configured is null)
        {
            return options;
        }
        if (!string.IsNullOrEmpty(tls.ServerName))
        {
            options.TargetHost = tls.ServerName;
        }
        options.EnabledSslProtocols = configured.EnabledSslProtocols;
        if (configured.LocalCertificateSelectionCallback is { } select)
        {
            options.LocalCertificateSelectionCallback = select;
        }
        return options;
    }
}
