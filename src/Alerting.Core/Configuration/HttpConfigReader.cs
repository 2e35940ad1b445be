namespace Alerting.Core.Configuration;

/// <summary>prometheus/common's HTTPClientConfig and TLSConfig, with their Validate() rules.</summary>
internal static class HttpConfigReader
{
    /// <summary>The <c>http_config</c> under <paramref name="key"/>; null when absent.</summary>
    public static HttpClientConfig? HttpConfig(this MapReader r, string key) => Read(r.Map(key));

    public static TlsConfig? TlsConfig(this MapReader r, string key) => ReadTlsConfig(r.Map(key));

    private static HttpClientConfig? Read(MapReader? h)
    {
        if (h is null)
        {
            return null;
        }

        BasicAuth? basicAuth = null;
        if (h.Map("basic_auth") is { } b)
        {
            basicAuth = new BasicAuth(b.String("username") ?? "", b.String("password"), b.FilePath("password_file"));
            if (!string.IsNullOrEmpty(basicAuth.Password) && !string.IsNullOrEmpty(basicAuth.PasswordFile))
            {
                b.Error("at most one of basic_auth password & password_file must be configured");
            }
            b.Finish();
        }

        Authorization? authorization = null;
        if (h.Map("authorization") is { } a)
        {
            var type = (a.String("type") ?? "").Trim();
            authorization = new Authorization(type.Length == 0 ? "Bearer" : type, a.String("credentials"), a.FilePath("credentials_file"));
            if (!string.IsNullOrEmpty(authorization.Credentials) && !string.IsNullOrEmpty(authorization.CredentialsFile))
            {
                a.Error("at most one of authorization credentials & credentials_file must be configured");
            }
            if (string.Equals(authorization.Type, "basic", StringComparison.OrdinalIgnoreCase))
            {
                a.Error("type", "authorization type cannot be set to \"basic\", use \"basic_auth\" instead");
            }
            a.Finish();
        }

        OAuth2Config? oauth2 = null;
        if (h.Map("oauth2") is { } o)
        {
            oauth2 = ReadOAuth2(o);
        }

        var bearerToken = h.String("bearer_token");
        var bearerTokenFile = h.FilePath("bearer_token_file");
        var hasBearer = !string.IsNullOrEmpty(bearerToken) || !string.IsNullOrEmpty(bearerTokenFile);
        if (!string.IsNullOrEmpty(bearerToken) && !string.IsNullOrEmpty(bearerTokenFile))
        {
            h.Error("at most one of bearer_token & bearer_token_file must be configured");
        }
        if ((basicAuth is not null || oauth2 is not null) && hasBearer)
        {
            h.Error("at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured");
        }
        if (authorization is not null && hasBearer)
        {
            h.Error("authorization is not compatible with bearer_token & bearer_token_file");
        }
        if ((authorization is not null && (basicAuth is not null || oauth2 is not null)) || (basicAuth is not null && oauth2 is not null))
        {
            h.Error("at most one of basic_auth, oauth2 & authorization must be configured");
        }

        var proxyUrl = h.String("proxy_url");
        // prometheus/common takes what Go's url.Parse takes, relative references such as "foo" included.
        if (proxyUrl is not null && GoUrl.ParseError(proxyUrl) is { } proxyError)
        {
            h.Error("proxy_url", proxyError);
        }
        // no_proxy and proxy_from_environment came with prometheus/common 0.40, after Alertmanager 0.25.
        if (h.Has("proxy_connect_header") && proxyUrl is null)
        {
            h.Error("proxy_connect_header", "if proxy_connect_header is configured proxy_url must also be configured");
        }
        h.Ignore("proxy_connect_header");

        var config = new HttpClientConfig
        {
            BasicAuth = basicAuth,
            BearerToken = bearerToken,
            BearerTokenFile = bearerTokenFile,
            Authorization = authorization,
            OAuth2 = oauth2,
            TlsConfig = h.TlsConfig("tls_config"),
            ProxyUrl = proxyUrl,
            FollowRedirects = h.Bool("follow_redirects", true),
            EnableHttp2 = h.Bool("enable_http2", true),
        };
        h.Finish();
        return config;
    }

    private static OAuth2Config ReadOAuth2(MapReader o)
    {
        var config = new OAuth2Config
        {
            ClientId = o.String("client_id") ?? "",
            ClientSecret = o.String("client_secret"),
            ClientSecretFile = o.FilePath("client_secret_file"),
            Scopes = o.StringList("scopes") ?? [],
            TokenUrl = o.String("token_url") ?? "",
            EndpointParams = (o.StringMap("endpoint_params") ?? []).ToDictionary(StringComparer.Ordinal),
            TlsConfig = o.TlsConfig("tls_config"),
            ProxyUrl = o.String("proxy_url"),
        };
        if (config.ClientId.Length == 0)
        {
            o.Error("client_id", "oauth2 client_id must be configured");
        }
        if (string.IsNullOrEmpty(config.ClientSecret) && string.IsNullOrEmpty(config.ClientSecretFile))
        {
            o.Error("either oauth2 client_secret or client_secret_file must be configured");
        }
        if (!string.IsNullOrEmpty(config.ClientSecret) && !string.IsNullOrEmpty(config.ClientSecretFile))
        {
            o.Error("at most one of oauth2 client_secret & client_secret_file must be configured");
        }
        if (config.TokenUrl.Length == 0)
        {
            o.Error("token_url", "oauth2 token_url must be configured");
        }
        o.Finish();
        return config;
    }

    private static TlsConfig? ReadTlsConfig(MapReader? t)
    {
        if (t is null)
        {
            return null;
        }
        // Inline ca/cert/key came with prometheus/common 0.40, after Alertmanager 0.25: files only.
        var config = new TlsConfig
        {
            CaFile = t.FilePath("ca_file"),
            CertFile = t.FilePath("cert_file"),
            KeyFile = t.FilePath("key_file"),
            ServerName = t.String("server_name"),
            InsecureSkipVerify = t.Bool("insecure_skip_verify", false),
            MinVersion = TlsVersion(t, "min_version"),
            MaxVersion = TlsVersion(t, "max_version"),
        };
        // Alertmanager 0.25 loads these and fails only when it connects; we say so up front, without refusing.
        if (t.Has("cert_file") && !t.Has("key_file"))
        {
            t.Context.Warn(t.Node, t.Path, "cert_file is set without key_file: client certificate authentication will fail");
        }
        else if (t.Has("key_file") && !t.Has("cert_file"))
        {
            t.Context.Warn(t.Node, t.Path, "key_file is set without cert_file: client certificate authentication will fail");
        }
        t.Finish();
        return config;
    }

    private static string? TlsVersion(MapReader t, string key)
    {
        var v = t.String(key);
        if (v is not null and not ("TLS10" or "TLS11" or "TLS12" or "TLS13"))
        {
            t.Error(key, $"unknown TLS version: {v}");
            return null;
        }
        return v;
    }
}
