using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Alerting.Core.Configuration;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Alerting.Hosting;

/// <summary>
/// TLS for the listener from the web config. The certificate, its key and the client CA are read from their
/// files at start (a bad file fails the start with file:line:field) and again whenever a file's modification
/// time or size changes, checked at each handshake: a renewed certificate is served without a restart. A
/// renewal caught half-written (new certificate, old key) is skipped and the last good one kept.
/// </summary>
internal sealed class TlsListener
{
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    private readonly TlsServerConfig _tls;
    private readonly string _fileName;
    private ILogger _log;
    private readonly SslProtocols _protocols;
    private readonly Lock _reloadLock = new();
    private Loaded _current;

    private TlsListener(TlsServerConfig tls, string fileName, ILogger log, Loaded first)
    {
        _tls = tls;
        _fileName = fileName;
        _log = log;
        _current = first;
        _protocols = Protocols(tls);
    }

    /// <summary>The certificate being served now, for tests and diagnostics.</summary>
    public X509Certificate2 Certificate => Volatile.Read(ref _current).Leaf;

    /// <summary>Loads the files once; throws <see cref="ConfigException"/> naming the web config's line when they are unusable.</summary>
    public static TlsListener Start(WebConfig web, ILogger log)
    {
        var tls = web.Tls ?? throw new ArgumentException("the web config has no tls_server_config", nameof(web));
        var (loaded, error) = LoadFiles(tls);
        if (loaded is null)
        {
            throw Failure(web.FileName, error!);
        }
        return new TlsListener(tls, web.FileName, log, loaded);
    }

    /// <summary>Reloads are logged by the running instance's loggers, which do not exist yet at start.</summary>
    public void UseLog(ILogger log) => _log = log;

    public void Configure(ListenOptions listen) =>
        listen.UseHttps(new TlsHandshakeCallbackOptions
        {
            OnConnection = _ => ValueTask.FromResult(ServerOptions()),
            HandshakeTimeout = TimeSpan.FromSeconds(10),
        });

    private SslServerAuthenticationOptions ServerOptions()
    {
        var current = Fresh();
        return new SslServerAuthenticationOptions
        {
            ServerCertificateContext = current.Context,
            EnabledSslProtocols = _protocols,
            ClientCertificateRequired = _tls.ClientAuth != ClientAuth.NoClientCert,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = (_, certificate, _, _) => AcceptClient(current.ClientCas, certificate),
        };
    }

    /// <summary>Go's client auth types: whether a certificate must come, and whether it must chain to the client CA.</summary>
    private bool AcceptClient(X509Certificate2Collection? cas, X509Certificate? certificate)
    {
        if (certificate is null)
        {
            return _tls.ClientAuth is ClientAuth.NoClientCert or ClientAuth.RequestClientCert or ClientAuth.VerifyClientCertIfGiven;
        }
        if (!_tls.VerifiesClients)
        {
            return true;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(cas!);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(ClientAuthentication);
        using var presented = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(presented);
    }

    /// <summary>The loaded files, reloaded first when one of them changed since.</summary>
    private Loaded Fresh()
    {
        var current = Volatile.Read(ref _current);
        if (Stamps(_tls) == current.Stamps)
        {
            return current;
        }
        lock (_reloadLock)
        {
            current = _current;
            var stamps = Stamps(_tls);
            if (stamps == current.Stamps || stamps == current.FailedStamps)
            {
                return current;
            }
            var (loaded, error) = LoadFiles(_tls);
            if (loaded is null)
            {
                _log.LogWarning("TLS files from {File} changed but do not load ({Error}); still serving the certificate {Thumbprint}", _fileName, error!.Message, current.Leaf.Thumbprint);
                Volatile.Write(ref _current, current with { FailedStamps = stamps });
                return current;
            }
            _log.LogInformation("TLS certificate reloaded from {CertFile}: {Subject}, {Thumbprint}, valid until {NotAfter:u}",
                _tls.CertFile, loaded.Leaf.Subject, loaded.Leaf.Thumbprint, loaded.Leaf.NotAfter.ToUniversalTime());
            Volatile.Write(ref _current, loaded);
            return loaded;
        }
    }

    private sealed record Loaded(string Stamps, X509Certificate2 Leaf, SslStreamCertificateContext Context, X509Certificate2Collection? ClientCas)
    {
        /// <summary>Stamps of files that failed to load, so a broken renewal is not retried at every handshake.</summary>
        public string? FailedStamps { get; init; }
    }

    private sealed record LoadError(string Field, int Line, string Message);

    private static (Loaded? Loaded, LoadError? Error) LoadFiles(TlsServerConfig tls)
    {
        // Stamps first: a file replaced while we read it is read again at the next handshake.
        var stamps = Stamps(tls);
        X509Certificate2 leaf;
        X509Certificate2Collection chain;
        try
        {
            chain = [];
            chain.ImportFromPemFile(tls.CertFile);
            if (chain.Count == 0)
            {
                return (null, new LoadError("cert_file", tls.CertFileLine, $"no certificate in {tls.CertFile}"));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            return (null, new LoadError("cert_file", tls.CertFileLine, $"cannot read a certificate from {tls.CertFile}: {e.Message}"));
        }
        try
        {
            // The first certificate is the server's; any after it are intermediates, sent along in the handshake.
            leaf = X509Certificate2.CreateFromPemFile(tls.CertFile, tls.KeyFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            return (null, new LoadError("key_file", tls.KeyFileLine, $"cannot use the key in {tls.KeyFile} with the certificate: {e.Message}"));
        }
        X509Certificate2Collection? cas = null;
        if (tls.ClientCaFile is { } caFile)
        {
            try
            {
                cas = [];
                cas.ImportFromPemFile(caFile);
                if (cas.Count == 0)
                {
                    return (null, new LoadError("client_ca_file", tls.ClientCaFileLine, $"no certificate in {caFile}"));
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
            {
                return (null, new LoadError("client_ca_file", tls.ClientCaFileLine, $"cannot read certificates from {caFile}: {e.Message}"));
            }
        }
        var intermediates = new X509Certificate2Collection();
        intermediates.AddRange(chain.Skip(1).ToArray());
        var context = SslStreamCertificateContext.Create(leaf, intermediates, offline: true);
        return (new Loaded(stamps, leaf, context, cas), null);
    }

    /// <summary>Modification time and size of every file, as one comparable string.</summary>
    private static string Stamps(TlsServerConfig tls) =>
        string.Join("|", new[] { tls.CertFile, tls.KeyFile, tls.ClientCaFile }.Where(f => f is not null).Select(f =>
        {
            var info = new FileInfo(f!);
            return info.Exists ? $"{info.LastWriteTimeUtc.Ticks}:{info.Length}" : "missing";
        }));

    private static ConfigException Failure(string fileName, LoadError error) =>
        new([new ConfigError(fileName, error.Line, "tls_server_config." + error.Field, error.Message)]);

    private static SslProtocols Protocols(TlsServerConfig tls)
    {
        var all = new[] { (TlsVersion.Tls12, SslProtocols.Tls12), (TlsVersion.Tls13, SslProtocols.Tls13) };
        // TLS 1.0 and 1.1 are off in .NET (and in OpenSSL's default policy): a min_version below 1.2 means 1.2.
        var max = tls.MaxVersion ?? TlsVersion.Tls13;
        var protocols = all.Where(p => p.Item1 >= tls.MinVersion && p.Item1 <= max).Aggregate(SslProtocols.None, (a, p) => a | p.Item2);
        return protocols == SslProtocols.None ? SslProtocols.Tls12 : protocols;
    }
}
