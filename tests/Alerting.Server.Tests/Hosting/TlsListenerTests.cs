using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Alerting.Core.Configuration;
using Alerting.Infrastructure;

namespace Alerting.Hosting;

/// <summary>The listener with <c>--web.config.file</c>: HTTPS, certificate rotation without restart, client certificates, bad files.</summary>
public sealed class TlsListenerTests : IDisposable
{
    private readonly TempDirectory _dir = new("alerting-tls-");
    private readonly Pki _pki = new();

    public void Dispose()
    {
        _pki.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task Serves_https_and_a_replaced_certificate_without_a_restart()
    {
        var first = _pki.Issue("first", server: true);
        WriteKeyPair(first, "server.pem", "server.key");
        // Relative paths: they are resolved against the web config's folder, as exporter-toolkit does.
        var web = Write("web.yml", "tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n");
        await using var host = await AlertingTestHost.StartAsync(options: o => o with { WebConfigFile = web });

        Assert.Equal("https", host.BaseAddress.Scheme);
        var (status, served) = await GetAsync(host.BaseAddress, "-/healthy");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(first.Thumbprint, served);
        // Plain HTTP on the same port is not answered.
        using (var plain = new HttpClient { Timeout = TimeSpan.FromSeconds(10) })
        {
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => plain.GetAsync(new UriBuilder(host.BaseAddress) { Scheme = "http" }.Uri + "-/healthy"));
        }

        // Renewal, as cert-manager or certbot do it: new files moved into place. The next connection gets the new one.
        var second = _pki.Issue("second", server: true);
        WriteKeyPair(second, "server.pem.new", "server.key.new");
        File.Move(Path.Combine(_dir.Path, "server.key.new"), Path.Combine(_dir.Path, "server.key"), overwrite: true);
        File.Move(Path.Combine(_dir.Path, "server.pem.new"), Path.Combine(_dir.Path, "server.pem"), overwrite: true);
        (status, served) = await GetAsync(host.BaseAddress, "api/v2/status");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(second.Thumbprint, served);

        // A renewal caught half-way (a certificate without its key) is not served: the last good one stays.
        var third = _pki.Issue("third", server: true);
        await File.WriteAllTextAsync(Path.Combine(_dir.Path, "server.pem"), third.ExportCertificatePem());
        (status, served) = await GetAsync(host.BaseAddress, "-/healthy");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(second.Thumbprint, served);
        WriteKeyPair(third, "server.pem", "server.key");
        Assert.Equal(third.Thumbprint, (await GetAsync(host.BaseAddress, "-/healthy")).Thumbprint);
    }

    [Fact]
    public async Task Client_certificates_are_required_and_checked_against_the_client_ca()
    {
        WriteKeyPair(_pki.Issue("server", server: true), "server.pem", "server.key");
        await File.WriteAllTextAsync(Path.Combine(_dir.Path, "ca.pem"), _pki.Ca.ExportCertificatePem());
        var web = Write("web.yml", """
            tls_server_config:
              cert_file: server.pem
              key_file: server.key
              client_auth_type: RequireAndVerifyClientCert
              client_ca_file: ca.pem
            """);
        await using var host = await AlertingTestHost.StartAsync(options: o => o with { WebConfigFile = web });

        using var trusted = _pki.Issue("prometheus", server: false);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(host.BaseAddress, "-/healthy", trusted)).Status);
        await Assert.ThrowsAnyAsync<Exception>(() => GetAsync(host.BaseAddress, "-/healthy"));
        using var stranger = new Pki();
        using var untrusted = stranger.Issue("stranger", server: false);
        await Assert.ThrowsAnyAsync<Exception>(() => GetAsync(host.BaseAddress, "-/healthy", untrusted));
    }

    [Theory]
    [InlineData("tls_server_config:\n  cert_file: nothing-here.pem\n  key_file: server.key\n", "web.yml:2: tls_server_config.cert_file: cannot read a certificate from")]
    [InlineData("tls_server_config:\n  cert_file: server.pem\n  key_file: other.key\n", "web.yml:3: tls_server_config.key_file: cannot use the key in")]
    [InlineData("tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n  min_version: SSL3\n", "web.yml:4: tls_server_config.min_version: unknown min_version \"SSL3\"")]
    [InlineData("basic_auth_users:\n  admin: $2y$10$X\n", "web.yml:2: basic_auth_users: bcrypt basic auth users are not supported")]
    public async Task A_bad_web_config_fails_the_start_with_file_line_and_field(string yaml, string expected)
    {
        WriteKeyPair(_pki.Issue("server", server: true), "server.pem", "server.key");
        using var other = _pki.Issue("other", server: true);
        await File.WriteAllTextAsync(Path.Combine(_dir.Path, "other.key"), other.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        var web = Write("web.yml", yaml);
        var e = await Assert.ThrowsAsync<ConfigException>(() => AlertingTestHost.StartAsync(options: o => o with { WebConfigFile = web }));
        Assert.StartsWith(Path.Combine(_dir.Path, expected), e.Message, StringComparison.Ordinal);
    }

    /// <summary>GET over a new connection; returns the status and the thumbprint of the certificate the server showed.</summary>
    private static async Task<(HttpStatusCode Status, string Thumbprint)> GetAsync(Uri baseAddress, string path, X509Certificate2? clientCertificate = null)
    {
        string? served = null;
        using var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                // The test checks which certificate came; trusting it is not the point here.
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    served = certificate is null ? null : new X509Certificate2(certificate).Thumbprint;
                    return true;
                },
                ClientCertificates = clientCertificate is null ? null : [clientCertificate],
            },
        };
        using var client = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(15) };
        using var response = await client.GetAsync(path);
        return (response.StatusCode, served!);
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir.Path, name);
        File.WriteAllText(path, content);
        return path;
    }

    private void WriteKeyPair(X509Certificate2 certificate, string certFile, string keyFile)
    {
        File.WriteAllText(Path.Combine(_dir.Path, certFile), certificate.ExportCertificatePem() + "\n" + _pki.Ca.ExportCertificatePem());
        File.WriteAllText(Path.Combine(_dir.Path, keyFile), certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>A throwaway CA issuing server certificates for 127.0.0.1 and client certificates.</summary>
    private sealed class Pki : IDisposable
    {
        private readonly ECDsa _caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        public Pki()
        {
            var now = TimeProvider.System.GetUtcNow();
            var request = new CertificateRequest("CN=Alerting listener test CA", _caKey, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
            Ca = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(2));
        }

        public X509Certificate2 Ca { get; }

        public X509Certificate2 Issue(string name, bool server)
        {
            var now = TimeProvider.System.GetUtcNow();
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
            if (server)
            {
                var san = new SubjectAlternativeNameBuilder();
                san.AddIpAddress(IPAddress.Loopback);
                request.CertificateExtensions.Add(san.Build());
            }
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(server ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
            using var issued = request.Create(Ca, now.AddDays(-1), now.AddDays(1), RandomNumberGenerator.GetBytes(8));
            using var withKey = issued.CopyWithPrivateKey(key);
            // Through PKCS#12, so that the key is usable for a TLS client certificate too.
            return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pfx), null);
        }

        public void Dispose()
        {
            Ca.Dispose();
            _caKey.Dispose();
        }
    }
}
