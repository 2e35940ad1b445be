using Alerting.Channels.Http;
using Alerting.Channels.Webhook;
using Alerting.Core.Configuration;

namespace Alerting.Channels.Http;

/// <summary>tls_config against a Kestrel receiver whose certificate comes from a throwaway CA.</summary>
public sealed class TlsTests : IDisposable
{
    private static readonly NotificationRequest Message = new("team-a", "{}:{}", """{"status":"firing"}""", 1);

    private readonly HttpClientProvider clients = new();
    private readonly TestPki pki = new();

    public void Dispose()
    {
        clients.Dispose();
        pki.Dispose();
    }

    [Fact]
    public async Task Ca_file_and_server_name_verify_the_receiver_and_http2_is_negotiated()
    {
        await using var receiver = await TlsReceiver.StartAsync(pki.Server);

        var result = await Send(receiver.Url("hook"), new TlsConfig { CaFile = pki.CaFile, ServerName = TestPki.ServerName });

        Assert.Equal(SendOutcome.Success, result.Outcome);
        Assert.Equal(("/hook", "HTTP/2", Message.Body), (receiver.Single.Path, receiver.Single.Protocol, receiver.Single.Body));
    }

    [Fact]
    public async Task Enable_http2_false_keeps_http11()
    {
        await using var receiver = await TlsReceiver.StartAsync(pki.Server);

        var result = await Send(receiver.Url("hook"), new TlsConfig { InsecureSkipVerify = true }, http2: false);

        Assert.Equal(SendOutcome.Success, result.Outcome);
        Assert.Equal("HTTP/1.1", receiver.Single.Protocol);
    }

    [Theory]
    [InlineData(false, null)] // the test CA is not among the system roots
    [InlineData(true, null)] // the certificate names receiver.test, not 127.0.0.1
    [InlineData(true, "other.test")]
    public async Task An_untrusted_or_misnamed_receiver_is_refused_as_retryable(bool withCa, string? serverName)
    {
        await using var receiver = await TlsReceiver.StartAsync(pki.Server);

        var result = await Send(receiver.Url("hook"), new TlsConfig { CaFile = withCa ? pki.CaFile : null, ServerName = serverName });

        Assert.Equal(SendOutcome.Retryable, result.Outcome);
        Assert.StartsWith($"POST {receiver.Url("hook")}: The SSL connection could not be established", result.Error);
        Assert.Empty(receiver.Requests);
    }

    [Fact]
    public async Task Insecure_skip_verify_accepts_any_certificate()
    {
        await using var receiver = await TlsReceiver.StartAsync(pki.Server);

        var result = await Send(receiver.Url("hook"), new TlsConfig { InsecureSkipVerify = true });

        Assert.Equal(SendOutcome.Success, result.Outcome);
    }

    [Fact]
    public async Task Cert_file_and_key_file_present_a_client_certificate()
    {
        await using var receiver = await TlsReceiver.StartAsync(pki.Server, requireClientCertificate: true);

        var result = await Send(
            receiver.Url("hook"),
            new TlsConfig { CaFile = pki.CaFile, ServerName = TestPki.ServerName, CertFile = pki.ClientCertFile, KeyFile = pki.ClientKeyFile });

        Assert.Equal(SendOutcome.Success, result.Outcome);
        Assert.Equal(pki.ClientThumbprint, receiver.Single.ClientCertificate?.Thumbprint);
    }

    [Fact]
    public async Task An_unreadable_ca_file_is_reported_without_a_secret()
    {
        await using var receiver = await TlsReceiver.StartAsync(pki.Server);

        var result = await Send(receiver.Url("hook?token=s3cr3t"), new TlsConfig { CaFile = pki.CaFile + ".missing" });

        Assert.Equal(SendOutcome.Retryable, result.Outcome);
        Assert.Contains("unable to load ca_file", result.Error);
        Assert.DoesNotContain("s3cr3t", result.Error);
    }

    private Task<SendResult> Send(Uri url, TlsConfig tls, bool http2 = true) =>
        new WebhookNotifier(
            new WebhookConfig { Url = url.AbsoluteUri, HttpConfig = new HttpClientConfig { TlsConfig = tls, EnableHttp2 = http2 }, Timeout = TimeSpan.FromSeconds(5) },
            clients,
            TimeProvider.System).SendAsync(Message, CancellationToken.None);
}
