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
                SigningKey = k.String("signing_key"),
                SigningKeyFile = ctx.ResolvePath(k.String("signing_key_file")),
                PreviousKeys = k.StringList("previous_keys") ?? [],
                Ttl = k.Duration("ttl") ?? LinksConfig.Default.Ttl,
            };
            if (links.SigningKey is { Length: > 0 and < LinksConfig.MinKeyLength })
            {
                k.Error("signing_key", "the link signing key must be at least 32 characters");
            }
            if (links.PreviousKeys.Select((key, i) => (key, i)).FirstOrDefault(e => e.key.Length < LinksConfig.MinKeyLength) is { key: not null } shortKey)
            {
                // An empty previous key would accept links signed with an empty HMAC key.
                k.Error("previous_keys", $"every link key must be at least {LinksConfig.MinKeyLength} characters; entry {shortKey.i} has {shortKey.key.Length}");
            }
            if (links.SigningKeyFile is { } keyFile && File.Exists(keyFile) && File.ReadAllText(keyFile).Trim().Length < LinksConfig.MinKeyLength)
            {
                k.Error("signing_key_file", $"the link signing key must be at least {LinksConfig.MinKeyLength} characters");
            }
            if (links.SigningKey is not null && links.SigningKeyFile is not null)
            {
                k.Error("signing_key_file", "give signing_key or signing_key_file, not both");
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
        var tokens = r.StringList("bearer_tokens") ?? [];
        if (tokens.Any(string.IsNullOrEmpty))
        {
            r.Error("bearer_tokens", "bearer tokens must not be empty");
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
        var password = b.String("password");
        if (string.IsNullOrEmpty(username))
        {
            b.Error("username", "missing username");
        }
        if (string.IsNullOrEmpty(password))
        {
            b.Error("password", "missing password");
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
            BearerToken = src.String("bearer_token"),
            BasicAuth = basic,
            HmacSecret = src.String("hmac_secret"),
            HmacHeader = src.String("hmac_header") is { Length: > 0 } header ? header : "X-Grafana-Alerting-Signature",
            TimestampHeader = src.String("timestamp_header"),
            MaxSkew = src.Duration("max_skew") ?? TimeSpan.FromMinutes(5),
            Line = LoadContext.Line(src.Node),
        };
        // A source is told apart by its credentials: without any, every anonymous push would be its.
        if (string.IsNullOrEmpty(source.BearerToken) && source.BasicAuth is null && string.IsNullOrEmpty(source.HmacSecret))
        {
            src.Error("one of bearer_token, basic_auth or hmac_secret must be configured");
        }
        src.Finish();
        return source;
    }
}
