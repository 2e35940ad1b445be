using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Alerting.Core.Configuration;

namespace Alerting.Channels.Http;

/// <summary>
/// Maps prometheus/common's tls_config onto SslClientAuthenticationOptions. Files are read at handshake time
/// and reread when they change, so rotated certificates apply to new connections without a reload.
/// </summary>
internal static class TlsSetup
{
    public static void Apply(SslClientAuthenticationOptions ssl, TlsConfig tls)
    {
        ssl.EnabledSslProtocols = Protocols(tls.MinVersion, tls.MaxVersion);
        if (!string.IsNullOrEmpty(tls.CertFile) && !string.IsNullOrEmpty(tls.KeyFile))
        {
            var clientCert = new FileBacked<X509Certificate2>(
                [tls.CertFile, tls.KeyFile], () => X509Certificate2.CreateFromPemFile(tls.CertFile, tls.KeyFile));
            ssl.LocalCertificateSelectionCallback = (_, _, _, _, _) => clientCert.Get("client certificate (cert_file, key_file)");
        }
        if (tls.InsecureSkipVerify)
        {
            // Explicitly asked for in the config, as insecure_skip_verify is in Alertmanager.
            ssl.RemoteCertificateValidationCallback = (_, _, _, _) => true;
            return;
        }
        if (string.IsNullOrEmpty(tls.CaFile) && string.IsNullOrEmpty(tls.ServerName))
        {
            return; // the platform's validation against the system roots
        }
        var ca = string.IsNullOrEmpty(tls.CaFile) ? null : new FileBacked<X509Certificate2Collection>([tls.CaFile], () => LoadCa(tls.CaFile));
        ssl.RemoteCertificateValidationCallback = (sender, certificate, chain, errors) =>
            Validate(certificate, chain, errors, ca?.Get("ca_file"), tls.ServerName);
    }

    /// <summary>
    /// With ca_file the chain must end in one of its certificates, as Go's RootCAs replaces the system pool.
    /// server_name is checked against the certificate instead of the URL's host; SNI still carries the URL's
    /// host, as SocketsHttpHandler derives it from the request.
    /// </summary>
    private static bool Validate(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors, X509Certificate2Collection? ca, string? serverName)
    {
        if (certificate is not X509Certificate2 leaf)
        {
            return false;
        }
        var nameOk = string.IsNullOrEmpty(serverName)
            ? (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0
            : leaf.MatchesHostname(serverName, allowWildcards: true, allowCommonName: false);
        if (!nameOk || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
        {
            return false;
        }
        if (ca is null)
        {
            return (errors & SslPolicyErrors.RemoteCertificateChainErrors) == 0;
        }
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(ca);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck; // Go does not check revocation either
        if (chain is not null)
        {
            // The intermediates the server sent.
            custom.ChainPolicy.ExtraStore.AddRange(chain.ChainPolicy.ExtraStore);
            foreach (var element in chain.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }
        return custom.Build(leaf);
    }

    private static X509Certificate2Collection LoadCa(string path)
    {
        var ca = new X509Certificate2Collection();
        ca.ImportFromPemFile(path);
        if (ca.Count == 0)
        {
            throw new InvalidDataException($"no certificate found in {path}");
        }
        return ca;
    }

    /// <summary>
    /// TLS 1.0 and 1.1 are obsolete in .NET; asking for them as a minimum leaves the platform's default, which
    /// is what a receiver that still speaks them would get from a current Go build too.
    /// </summary>
    private static SslProtocols Protocols(string? min, string? max)
    {
        var protocols = SslProtocols.None;
        if (min is null or "TLS10" or "TLS11" or "TLS12" && max is not ("TLS10" or "TLS11"))
        {
            protocols |= SslProtocols.Tls12;
        }
        if (max is null or "TLS13")
        {
            protocols |= SslProtocols.Tls13;
        }
        // Nothing set at all: let the platform choose (it offers TLS 1.2 and 1.3).
        return min is null && max is null ? SslProtocols.None : protocols;
    }

    /// <summary>A value loaded from files, reloaded when one of them changes.</summary>
    private sealed class FileBacked<T>(string[] paths, Func<T> load)
        where T : class
    {
        private readonly Lock gate = new();
        private DateTime[] stamps = [];
        private T? value;

        public T Get(string what)
        {
            lock (gate)
            {
                var now = paths.Select(File.GetLastWriteTimeUtc).ToArray();
                if (value is null || !now.SequenceEqual(stamps))
                {
                    try
                    {
                        value = load();
                        stamps = now;
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or InvalidDataException or ArgumentException)
                    {
                        throw new AuthenticationException($"unable to load {what}: {e.Message}", e);
                    }
                }
                return value;
            }
        }
    }
}
