using YamlDotNet.RepresentationModel;

namespace Alerting.Core.Configuration;

/// <summary>
/// Reads a <c>--web.config.file</c> with the loader's rules: unknown fields are errors, and every error names
/// file, line and field. What we cannot honour is refused rather than ignored, so that a listener is never
/// weaker than its file says (bcrypt <c>basic_auth_users</c>, cipher and curve choices, SAN allow-lists).
/// </summary>
public static class WebConfigLoader
{
    // exporter-toolkit lets only these through http_server_config.headers.
    private static readonly string[] s_allowedHeaders =
        ["Strict-Transport-Security", "X-Content-Type-Options", "X-Frame-Options", "X-XSS-Protection", "Content-Security-Policy"];

    public static WebConfig LoadFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            var reason = e is FileNotFoundException or DirectoryNotFoundException ? "file not found" : e.Message;
            throw new ConfigException([new ConfigError(path, 0, "", $"cannot read web configuration: {reason}")]);
        }
        return Load(text, path, Path.GetDirectoryName(Path.GetFullPath(path)));
    }

    /// <summary>Loads YAML text; relative paths are resolved against <paramref name="baseDirectory"/> when given.</summary>
    public static WebConfig Load(string text, string fileName, string? baseDirectory = null)
    {
        var ctx = new LoadContext(fileName, baseDirectory);
        var stream = ConfigLoader.Parse(text, fileName);
        var root = stream.Documents.Count > 0 ? stream.Documents[0].RootNode : null;
        var config = new WebConfig { FileName = fileName };
        if (MapReader.Of(ctx, root, "") is { } top)
        {
            if (top.Map("tls_server_config") is { } tls)
            {
                config = config with { Tls = ReadTls(ctx, tls) };
            }
            if (top.Map("http_server_config") is { } http)
            {
                config = config with { Http2 = http.Bool("http2", true), Headers = ReadHeaders(http) };
                http.Finish();
            }
            if (top.Take("basic_auth_users") is YamlMappingNode { Children.Count: > 0 })
            {
                top.Error("basic_auth_users", "bcrypt basic auth users are not supported; give credentials in the main config's server.auth (read, write, send) instead");
            }
            top.Finish();
        }
        if (ctx.Errors.Count > 0)
        {
            throw new ConfigException([.. ctx.Errors.OrderBy(e => e.Line)]);
        }
        return config;
    }

    private static TlsServerConfig? ReadTls(LoadContext ctx, MapReader tls)
    {
        var certFile = ctx.ResolvePath(tls.String("cert_file"));
        var keyFile = ctx.ResolvePath(tls.String("key_file"));
        foreach (var unsupported in new[] { "cert", "key", "cipher_suites", "curve_preferences", "client_allowed_sans" })
        {
            if (tls.Take(unsupported) is not null)
            {
                tls.Error(unsupported, unsupported is "cert" or "key"
                    ? $"inline {unsupported} is not supported; use {unsupported}_file"
                    : $"{unsupported} is not supported here; remove it (.NET's defaults apply)");
            }
        }
        tls.Ignore("prefer_server_cipher_suites"); // Go ignores it since 1.18 too
        var clientCa = ctx.ResolvePath(tls.String("client_ca_file"));
        var clientAuth = tls.String("client_auth_type") is { Length: > 0 } type
            ? Parse<ClientAuth>(tls, "client_auth_type", type)
            // exporter-toolkit: a client CA without a type means clients must present a certificate it signed.
            : clientCa is { Length: > 0 } ? ClientAuth.RequireAndVerifyClientCert : ClientAuth.NoClientCert;
        var min = tls.String("min_version") is { Length: > 0 } minText ? Parse<TlsVersion>(tls, "min_version", minText) : TlsVersion.Tls12;
        TlsVersion? max = tls.String("max_version") is { Length: > 0 } maxText ? Parse<TlsVersion>(tls, "max_version", maxText) : null;

        if (string.IsNullOrEmpty(certFile))
        {
            tls.Error("cert_file", "missing cert_file");
        }
        if (string.IsNullOrEmpty(keyFile))
        {
            tls.Error("key_file", "missing key_file");
        }
        if (clientAuth is ClientAuth.VerifyClientCertIfGiven or ClientAuth.RequireAndVerifyClientCert && string.IsNullOrEmpty(clientCa))
        {
            tls.Error("client_ca_file", $"client_auth_type {clientAuth} needs client_ca_file");
        }
        if (max is { } m && m < min)
        {
            tls.Error("max_version", "max_version is below min_version");
        }
        var config = new TlsServerConfig
        {
            CertFile = certFile ?? "",
            KeyFile = keyFile ?? "",
            ClientAuth = clientAuth,
            ClientCaFile = string.IsNullOrEmpty(clientCa) ? null : clientCa,
            MinVersion = min,
            MaxVersion = max,
            CertFileLine = LoadContext.Line(tls.KeyNode("cert_file")),
            KeyFileLine = LoadContext.Line(tls.KeyNode("key_file")),
            ClientCaFileLine = LoadContext.Line(tls.KeyNode("client_ca_file")),
        };
        tls.Finish();
        return config;
    }

    private static IReadOnlyList<KeyValuePair<string, string>> ReadHeaders(MapReader http)
    {
        var headers = http.StringMap("headers") ?? [];
        foreach (var (name, _) in headers)
        {
            if (!s_allowedHeaders.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                http.Error("headers", $"header \"{name}\" may not be set; allowed: {string.Join(", ", s_allowedHeaders)}");
            }
        }
        return headers;
    }

    /// <summary>exporter-toolkit's spellings: <c>TLS12</c>, <c>RequireAndVerifyClientCert</c>.</summary>
    private static T Parse<T>(MapReader r, string key, string text)
        where T : struct, Enum
    {
        var name = text.StartsWith("TLS", StringComparison.Ordinal) ? "Tls" + text[3..] : text;
        if (Enum.TryParse<T>(name, ignoreCase: false, out var value) && Enum.IsDefined(value) && !char.IsDigit(name[0]))
        {
            return value;
        }
        var known = Enum.GetNames<T>().Select(n => n.StartsWith("Tls", StringComparison.Ordinal) ? "TLS" + n[3..] : n);
        r.Error(key, $"unknown {key} \"{text}\"; one of {string.Join(", ", known)}");
        return default;
    }
}
