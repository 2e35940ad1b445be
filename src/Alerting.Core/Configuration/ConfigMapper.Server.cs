namespace Alerting.Core.Configuration;

internal sealed partial class ConfigMapper
{
    private ServerConfig ReadServer(MapReader? s)
    {
        if (s is null)
        {
            return ServerConfig.Default;
        }
        var auth = AuthConfig.Open;
        if (s.Map("auth") is { } a)
        {
            auth = new AuthConfig(ReadAccess(a.Map("read")), ReadAccess(a.Map("write"))) { Send = ReadAccess(a.Map("send")) };
            a.Finish();
        }

        var limits = LimitsConfig.Default;
        if (s.Map("limits") is { } l)
        {
            var d = LimitsConfig.Default;
            limits = new LimitsConfig
            {
                MaxBodyBytes = l.Int("max_body_bytes", min: 1) ?? d.MaxBodyBytes,
                MaxAlertsPerRequest = (int)(l.Int("max_alerts_per_request", 1, int.MaxValue) ?? d.MaxAlertsPerRequest),
                MaxLabelsPerAlert = (int)(l.Int("max_labels_per_alert", 1, int.MaxValue) ?? d.MaxLabelsPerAlert),
                MaxLabelNameLength = (int)(l.Int("max_label_name_length", 1, int.MaxValue) ?? d.MaxLabelNameLength),
                MaxLabelValueLength = (int)(l.Int("max_label_value_length", 1, int.MaxValue) ?? d.MaxLabelValueLength),
                MaxAnnotationValueLength = (int)(l.Int("max_annotation_value_length", 1, int.MaxValue) ?? d.MaxAnnotationValueLength),
                IngestRequestsPerSecond = (int)(l.Int("ingest_requests_per_second", 0, 1_000_000) ?? d.IngestRequestsPerSecond),
                IngestConcurrencyPerSource = (int)(l.Int("ingest_concurrency_per_source", 0, 1_000_000) ?? d.IngestConcurrencyPerSource),
                IngestConcurrency = (int)(l.Int("ingest_concurrency", 0, 1_000_000) ?? d.IngestConcurrency),
            };
            // Without an explicit burst, a bucket of two seconds' worth follows the rate.
            limits = limits with
            {
                IngestBurst = (int)(l.Int("ingest_burst", 1, 2_000_000) ?? Math.Max(1, 2 * limits.IngestRequestsPerSecond)),
            };
            l.Finish();
        }

        var grafana = GrafanaConfig.None;
        if (s.Map("grafana") is { } g)
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            var sources = new List<GrafanaSource>();
            foreach (var (src, _) in g.MapList("sources"))
            {
                sources.Add(ReadGrafanaSource(src, names));
            }
            grafana = new GrafanaConfig(sources);
            g.Finish();
        }
        var links = LinksConfig.Default;
        if (s.Map("links") is { } k)
        {
            links = new LinksConfig
            {
                SigningKey = k.SecretOrFile("signing_key"),
                SigningKeyFile = k.FilePath("signing_key_file"),
                PreviousKeys = k.SecretListOrFiles("previous_keys", "previous_key_files") ?? [],
                Ttl = k.Duration("ttl") ?? LinksConfig.Default.Ttl,
            };
            if (links.PreviousKeys.Select((key, i) => (key, i)).FirstOrDefault(e => e.key.Length < LinksConfig.MinKeyLength) is { key: not null } shortKey)
            {
                // An empty previous key would accept links signed with an empty HMAC key.
                k.Error("previous_keys", $"every link key must be at least {LinksConfig.MinKeyLength} characters; entry {shortKey.i} has {shortKey.key.Length}");
            }
            // An empty inline key means "generate one"; a file must hold a real key.
            if (links.SigningKeyFile is null ? links.SigningKey is { Length: > 0 and < LinksConfig.MinKeyLength } : links.SigningKey is { Length: < LinksConfig.MinKeyLength })
            {
                k.Error(links.SigningKeyFile is null ? "signing_key" : "signing_key_file", $"the link signing key must be at least {LinksConfig.MinKeyLength} characters");
            }
            k.Finish();
        }
        s.Finish();
        return new ServerConfig { Auth = auth, Limits = limits, Grafana = grafana, Links = links };
    }

    private static AccessConfig ReadAccess(MapReader? r)
    {
        if (r is null)
        {
            return AccessConfig.Open;
        }
        var tokens = r.SecretListOrFiles("bearer_tokens", "bearer_token_files") ?? [];
        if (tokens.Any(string.IsNullOrEmpty))
        {
            r.Error(r.Has("bearer_token_files") ? "bearer_token_files" : "bearer_tokens", "bearer tokens must not be empty");
        }
        var basic = new List<BasicCredential>();
        foreach (var (b, _) in r.MapList("basic"))
        {
            basic.Add(ReadBasicCredential(b));
        }
        r.Finish();
        return new AccessConfig(tokens, basic);
    }

    private static BasicCredential ReadBasicCredential(MapReader b)
    {
        var username = b.String("username");
        var password = b.SecretOrFile("password");
        if (string.IsNullOrEmpty(username))
        {
            b.Error("username", "missing username");
        }
        // A file that could not be read is reported already; an empty one is a missing password.
        if (b.Has("password_file") ? password is "" : string.IsNullOrEmpty(password))
        {
            b.Error(b.Has("password_file") ? "password_file" : "password", "missing password");
        }
        b.Finish();
        return new BasicCredential(username ?? "", password ?? "");
    }

    private static GrafanaSource ReadGrafanaSource(MapReader src, HashSet<string> names)
    {
        var name = src.String("name");
        if (string.IsNullOrEmpty(name))
        {
            src.Error("name", "missing name in grafana source");
        }
        else if (!names.Add(name))
        {
            src.Error("name", $"grafana source \"{name}\" is not unique");
        }
        var basic = src.Map("basic_auth") is { } b ? ReadBasicCredential(b) : null;
        var source = new GrafanaSource
        {
            Name = name ?? "",
            BearerToken = src.SecretOrFile("bearer_token"),
            BasicAuth = basic,
            HmacSecret = src.SecretOrFile("hmac_secret"),
            HmacHeader = src.String("hmac_header") is { Length: > 0 } header ? header : "X-Grafana-Alerting-Signature",
            TimestampHeader = src.String("timestamp_header"),
            MaxSkew = src.Duration("max_skew") ?? TimeSpan.FromMinutes(5),
            Line = LoadContext.Line(src.Node),
        };
        // A source is told apart by its credentials: without any, every anonymous push would be its.
        // An unreadable file is reported already, so it counts as configured here.
        var unreadable = (src.Has("bearer_token_file") && source.BearerToken is null) || (src.Has("hmac_secret_file") && source.HmacSecret is null);
        if (string.IsNullOrEmpty(source.BearerToken) && source.BasicAuth is null && string.IsNullOrEmpty(source.HmacSecret) && !unreadable)
        {
            src.Error("one of bearer_token(_file), basic_auth or hmac_secret(_file) must be configured");
        }
        src.Finish();
        return source;
    }
}
