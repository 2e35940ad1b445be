using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Alerting.Infrastructure;

namespace Alerting.Channels.Http;

/// <summary>
/// A throwaway CA, a server certificate it signed for <see cref="ServerName"/> (and nothing else: not
/// 127.0.0.1), and a self-signed client certificate, with the PEM files tls_config points at.
/// </summary>
internal sealed class TestPki : IDisposable
{
    public const string ServerName = "receiver.test";

    private readonly TempDirectory dir = new("alerting-pki-");

    public TestPki()
    {
        var now = TimeProvider.System.GetUtcNow();
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Alerting Test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        Ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(1));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest($"CN={ServerName}", serverKey, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(ServerName);
        serverRequest.CertificateExtensions.Add(san.Build());
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var serverPublic = serverRequest.Create(Ca, now.AddDays(-1), now.AddDays(1), [1, 2, 3, 4]);
        using var serverWithKey = serverPublic.CopyWithPrivateKey(serverKey);
        // Through PKCS#12 so the key is a persisted one, as a TLS server wants.
        Server = X509CertificateLoader.LoadPkcs12(serverWithKey.Export(X509ContentType.Pfx), null);

        using var clientKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var clientRequest = new CertificateRequest("CN=alerting-client", clientKey, HashAlgorithmName.SHA256);
        clientRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var client = clientRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(1));
        ClientThumbprint = client.Thumbprint;

        CaFile = Write("ca.pem", Ca.ExportCertificatePem());
        ClientCertFile = Write("client.pem", client.ExportCertificatePem());
        ClientKeyFile = Write("client.key", clientKey.ExportPkcs8PrivateKeyPem());
    }

    public X509Certificate2 Ca { get; }

    public X509Certificate2 Server { get; }

    public string ClientThumbprint { get; }

    public string CaFile { get; }

    public string ClientCertFile { get; }

    public string ClientKeyFile { get; }

    public void Dispose()
    {
        Ca.Dispose();
        Server.Dispose();
        dir.Dispose();
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(dir.Path, name);
        File.WriteAllText(path, content);
        return path;
    }
}
