using Npgsql;

namespace Alerting.Persistence.Embedded;

/// <summary>
/// Accepts what operators paste into <c>--database.url</c> / ALERTING_DATABASE_URL: either a
/// libpq-style URL (<c>postgres://user:pass@host:port/db?sslmode=require</c>) or an Npgsql
/// connection string, and returns an Npgsql connection string.
/// </summary>
internal static class ConnectionUrl
{
    private const int DefaultPort = 5432;

    public static string ToConnectionString(string urlOrConnectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(urlOrConnectionString);
        var value = urlOrConnectionString.Trim();

        if (!IsUrl(value))
        {
            try
            {
                return new NpgsqlConnectionStringBuilder(value).ConnectionString;
            }
            catch (ArgumentException e)
            {
                throw new FormatException($"Not a postgres:// URL nor a valid connection string: {e.Message}", e);
            }
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri))
        {
            throw new FormatException("Not a valid postgres:// URL.");
        }

        var builder = new NpgsqlConnectionStringBuilder
        {
            // IdnHost drops the brackets of IPv6 literals; an empty host means the local server.
            Host = string.IsNullOrEmpty(uri.IdnHost) ? "localhost" : uri.IdnHost,
            Port = uri.IsDefaultPort || uri.Port <= 0 ? DefaultPort : uri.Port,
        };

        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            if (colon >= 0)
            {
                builder.Password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
            }
        }

        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length > 0)
        {
            builder.Database = database;
        }

        foreach (var (key, parameterValue) in ParseQuery(uri.Query))
        {
            Apply(builder, key, parameterValue);
        }

        return builder.ConnectionString;
    }

    private static bool IsUrl(string value) =>
        value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
        || value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase);

    private static IEnumerable<(string Key, string Value)> ParseQuery(string query)
    {
        foreach (var pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = equals < 0 ? pair : pair[..equals];
            var value = equals < 0 ? "" : pair[(equals + 1)..];
            yield return (Unescape(key), Unescape(value));
        }

        // In a query string '+' is a space.
        static string Unescape(string s) => Uri.UnescapeDataString(s.Replace('+', ' '));
    }

    // The libpq parameters people actually put in URLs; anything else is rejected rather than ignored.
    private static void Apply(NpgsqlConnectionStringBuilder builder, string key, string value)
    {
        switch (key.ToLowerInvariant())
        {
            case "sslmode":
                builder.SslMode = value.ToLowerInvariant() switch
                {
                    "disable" => SslMode.Disable,
                    "allow" => SslMode.Allow,
                    "prefer" => SslMode.Prefer,
                    "require" => SslMode.Require,
                    "verify-ca" => SslMode.VerifyCA,
                    "verify-full" => SslMode.VerifyFull,
                    _ => throw new FormatException($"Unknown sslmode '{value}' in database URL."),
                };
                break;
            case "sslrootcert":
                builder.RootCertificate = value;
                break;
            case "sslcert":
                builder.SslCertificate = value;
                break;
            case "sslkey":
                builder.SslKey = value;
                break;
            case "application_name":
                builder.ApplicationName = value;
                break;
            case "connect_timeout":
                builder.Timeout = ParseInt(key, value);
                break;
            case "options":
                builder.Options = value;
                break;
            case "target_session_attrs":
                builder.TargetSessionAttributes = value;
                break;
            default:
                throw new FormatException($"Unsupported parameter '{key}' in database URL; use a connection string instead.");
        }
    }

    private static int ParseInt(string key, string value) =>
        int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new FormatException($"Parameter '{key}' in database URL must be a number, not '{value}'.");
}
