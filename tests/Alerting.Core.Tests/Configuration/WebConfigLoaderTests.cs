namespace Alerting.Core.Configuration;

public sealed class WebConfigLoaderTests
{
    [Fact]
    public void Reads_exporter_toolkit_tls_and_http_settings()
    {
        var web = WebConfigLoader.Load("""
            tls_server_config:
              cert_file: certs/server.pem
              key_file: /etc/alerting/server.key
              client_auth_type: VerifyClientCertIfGiven
              client_ca_file: ca.pem
              min_version: TLS13
              prefer_server_cipher_suites: true
            http_server_config:
              http2: false
              headers:
                Strict-Transport-Security: max-age=31536000
            basic_auth_users: {}
            """, "web.yml", "/srv/conf");
        var tls = web.Tls!;
        Assert.Equal(Path.Join("/srv/conf", "certs/server.pem"), tls.CertFile);
        Assert.Equal("/etc/alerting/server.key", tls.KeyFile);
        Assert.Equal(Path.Join("/srv/conf", "ca.pem"), tls.ClientCaFile);
        Assert.Equal(ClientAuth.VerifyClientCertIfGiven, tls.ClientAuth);
        Assert.Equal(TlsVersion.Tls13, tls.MinVersion);
        Assert.Equal((2, 3), (tls.CertFileLine, tls.KeyFileLine));
        Assert.False(web.Http2);
        Assert.Equal("max-age=31536000", Assert.Single(web.Headers).Value);
    }

    [Fact]
    public void Defaults_follow_exporter_toolkit()
    {
        Assert.Null(WebConfigLoader.Load("", "web.yml").Tls);
        var tls = WebConfigLoader.Load("tls_server_config: {cert_file: c, key_file: k}", "web.yml").Tls!;
        Assert.Equal((ClientAuth.NoClientCert, TlsVersion.Tls12), (tls.ClientAuth, tls.MinVersion));
        // A client CA without a type means: require a certificate it signed.
        var withCa = WebConfigLoader.Load("tls_server_config: {cert_file: c, key_file: k, client_ca_file: ca}", "web.yml").Tls!;
        Assert.Equal(ClientAuth.RequireAndVerifyClientCert, withCa.ClientAuth);
    }

    [Theory]
    [InlineData("tls_server_config:\n  key_file: k\n", "web.yml:2: tls_server_config.cert_file: missing cert_file")]
    [InlineData("tls_server_config:\n  cert_file: c\n  key_file: k\n  client_auth_type: Sometimes\n", "web.yml:4: tls_server_config.client_auth_type: unknown client_auth_type \"Sometimes\"; one of NoClientCert, RequestClientCert, RequireAnyClientCert, VerifyClientCertIfGiven, RequireAndVerifyClientCert")]
    [InlineData("tls_server_config:\n  cert_file: c\n  key_file: k\n  client_auth_type: RequireAndVerifyClientCert\n", "web.yml:2: tls_server_config.client_ca_file: client_auth_type RequireAndVerifyClientCert needs client_ca_file")]
    [InlineData("tls_server_config:\n  cert_file: c\n  key_file: k\n  min_version: TLS14\n", "web.yml:4: tls_server_config.min_version: unknown min_version \"TLS14\"")]
    [InlineData("tls_server_config:\n  cert_file: c\n  key_file: k\n  cipher_suites: [TLS_AES_128_GCM_SHA256]\n", "web.yml:4: tls_server_config.cipher_suites: cipher_suites is not supported here")]
    [InlineData("tls_server_config:\n  cert_file: c\n  key_file: k\n  ciphers: x\n", "web.yml:4: tls_server_config.ciphers: field ciphers not found")]
    [InlineData("basic_auth_users:\n  admin: $2y$10$abcdefghijklmnopqrstuu\n", "web.yml:2: basic_auth_users: bcrypt basic auth users are not supported")]
    [InlineData("http_server_config:\n  headers:\n    Server: x\n", "web.yml:3: http_server_config.headers: header \"Server\" may not be set")]
    [InlineData("tls_server_config: [a]\n", "web.yml:1: tls_server_config: expected a mapping, got a list")]
    [InlineData("tls_server_config:\n  cert_file: [\n", "web.yml:")]
    public void Errors_name_file_line_and_field(string yaml, string expected)
    {
        var e = Assert.Throws<ConfigException>(() => WebConfigLoader.Load(yaml, "web.yml"));
        Assert.Contains(e.Errors, x => x.ToString().StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void A_missing_file_is_a_config_error()
    {
        var e = Assert.Throws<ConfigException>(() => WebConfigLoader.LoadFile("/nonexistent/web.yml"));
        Assert.Equal("/nonexistent/web.yml: cannot read web configuration: file not found", e.Message);
    }
}
