using System.Globalization;
using Alerting.Core.Configuration;
using YamlDotNet.RepresentationModel;

namespace Alerting.Channels.Incidentio;

/// <summary><c>incidentio_configs</c> (Alertmanager 0.29+): an incident.io HTTP alert source.</summary>
internal sealed record IncidentioConfig : IntegrationConfig
{
    public override string Kind => IncidentioChannel.Name;

    public override bool SendResolved { get; init; } = true;

    public HttpClientConfig HttpConfig { get; init; } = HttpClientConfig.Default;

    public string? Url { get; init; }

    public string? UrlFile { get; init; }

    /// <summary>Sent as a bearer token; it replaces whatever http_config would send.</summary>
    public string? AlertSourceToken { get; init; }

    public string? AlertSourceTokenFile { get; init; }

    /// <summary>Alerts per message; 0 means all.</summary>
    public long MaxAlerts { get; init; }

    /// <summary>Go's time.Duration; zero or less means none of its own.</summary>
    public TimeSpan Timeout { get; init; }

    public static IncidentioConfig Read(MapReader r, GlobalConfig global)
    {
        var own = r.HttpConfig("http_config");
        var config = new IncidentioConfig
        {
            SendResolved = r.Keys.Contains("send_resolved") ? r.OptionalBool("send_resolved") ?? false : true,
            HttpConfig = own ?? global.HttpConfig,
            Url = r.Url("url"),
            UrlFile = r.FilePath("url_file"),
            AlertSourceToken = r.String("alert_source_token") is { Length: > 0 } token ? token : null,
            AlertSourceTokenFile = r.FilePath("alert_source_token_file") is { Length: > 0 } file ? file : null,
            MaxAlerts = r.Int("max_alerts", min: 0) ?? 0,
            Timeout = GoDuration(r, "timeout"),
            Line = LoadContext.Line(r.Node),
        };
        r.UrlOrFile();
        var hasToken = config.AlertSourceToken is not null || config.AlertSourceTokenFile is not null;
        if (config.AlertSourceToken is not null && config.AlertSourceTokenFile is not null)
        {
            r.Error("alert_source_token_file", "at most one of alert_source_token & alert_source_token_file must be configured");
        }
        // prometheus/common turns bearer_token(_file) into an authorization when it validates http_config.
        var authorization = own is not null && (own.Authorization is not null || !string.IsNullOrEmpty(own.BearerToken) || !string.IsNullOrEmpty(own.BearerTokenFile));
        if (authorization && hasToken)
        {
            r.Error("cannot specify alert_source_token or alert_source_token_file when using http_config.authorization");
        }
        if (own is not null && !authorization && !hasToken)
        {
            r.Error("at least one of alert_source_token, alert_source_token_file or http_config.authorization must be configured");
        }
        r.Finish();
        return config;
    }

    /// <summary>
    /// A time.Duration as yaml.v2 decodes one: a string for time.ParseDuration (<c>1m30s</c>, <c>1.5s</c>, <c>300ms</c>),
    /// or an integer of nanoseconds.
    /// </summary>
    private static TimeSpan GoDuration(MapReader r, string key)
    {
        var node = r.Take(key);
        if (node is null)
        {
            return TimeSpan.Zero;
        }
        if (node is YamlScalarNode s)
        {
            if (Yaml.ParseInt(s) is { } nanoseconds)
            {
                return TimeSpan.FromTicks(nanoseconds / 100);
            }
            if (IncidentioDuration.TryParse(s.Value ?? "", out var d))
            {
                return d;
            }
        }
        r.Error(key, $"cannot unmarshal {(node is YamlScalarNode v ? $"!!str `{v.Value}`" : "a collection")} into time.Duration");
        return TimeSpan.Zero;
    }
}

/// <summary>Go's time.ParseDuration: signed decimal numbers each with a unit (ns, us, µs, ms, s, m, h), e.g. -1.5h or 2h45m.</summary>
internal static class IncidentioDuration
{
    public static bool TryParse(string s, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        var i = 0;
        var negative = false;
        if (i < s.Length && s[i] is '-' or '+')
        {
            negative = s[i] == '-';
            i++;
        }
        if (s[i..] == "0")
        {
            return true;
        }
        if (i == s.Length)
        {
            return false;
        }
        decimal total = 0;
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
            {
                i++;
            }
            var number = s[start..i];
            if (number.Length == 0 || number == "." || number.Count(c => c == '.') > 1
                || !decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n))
            {
                return false;
            }
            var unitStart = i;
            while (i < s.Length && !char.IsAsciiDigit(s[i]) && s[i] != '.')
            {
                i++;
            }
            decimal? nanoseconds = s[unitStart..i] switch
            {
                "ns" => 1m,
                "us" or "µs" or "μs" => 1_000m,
                "ms" => 1_000_000m,
                "s" => 1_000_000_000m,
                "m" => 60_000_000_000m,
                "h" => 3_600_000_000_000m,
                _ => null,
            };
            if (nanoseconds is null)
            {
                return false;
            }
            total += n * nanoseconds.Value;
            if (total > long.MaxValue)
            {
                return false;
            }
        }
        value = TimeSpan.FromTicks((long)(total / 100) * (negative ? -1 : 1));
        return true;
    }
}
