using Alerting.Core.Configuration;

namespace Alerting.Channels.Email;

/// <summary><c>email_configs</c>, with smtp_* globals already filled in where the config left them out.</summary>
internal sealed record EmailConfig : IntegrationConfig
{
    public override string Kind => EmailChannel.Name;

    public override bool SendResolved { get; init; }

    public required string To { get; init; }

    public required string From { get; init; }

    public required string Hello { get; init; }

    /// <summary><c>host:port</c>.</summary>
    public required string Smarthost { get; init; }

    public string? AuthUsername { get; init; }

    public string? AuthPassword { get; init; }

    public string? AuthPasswordFile { get; init; }

    public string? AuthSecret { get; init; }

    /// <summary>A file holding <see cref="AuthSecret"/>, read at send time.</summary>
    public string? AuthSecretFile { get; init; }

    public string? AuthIdentity { get; init; }

    public bool RequireTls { get; init; } = true;

    public TlsConfig? TlsConfig { get; init; }

    /// <summary>Header names in Go's canonical title case (<c>Subject</c>, <c>X-Priority</c>).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    public string? Html { get; init; }

    public string? Text { get; init; }

    /// <summary>One entry; null when it lacks to, from or smarthost (the errors say which).</summary>
    public static EmailConfig? Read(MapReader e, GlobalConfig global)
    {
        var defaults = global.DefaultsOf<EmailDefaults>() ?? EmailDefaults.Default;
        var to = e.Template("to");
        if (string.IsNullOrEmpty(to))
        {
            e.Error("to", "missing to address in email config");
        }

        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value, keyNode, valueNode) in e.StringMapWithNodes("headers") ?? [])
        {
            // Header names are case-insensitive; Alertmanager 0.25 canonicalises with textproto.CanonicalMIMEHeaderKey.
            var normalized = CanonicalHeaderKey(name);
            if (!headers.TryAdd(normalized, value))
            {
                e.Context.Error(keyNode, $"{e.Field("headers")}.{name}", $"duplicate header \"{normalized}\" in email config");
            }
            TemplateFields.Check(e.Context, valueNode, $"{e.Field("headers")}.{name}", value);
        }

        var smarthost = e.HostPort("smarthost");
        var from = e.Template("from");
        var password = e.String("auth_password");
        var passwordFile = e.FilePath("auth_password_file");
        e.AtMostOne("auth_password", "auth_password_file");
        var secret = e.String("auth_secret");
        var secretFile = e.FilePath("auth_secret_file");
        e.AtMostOne("auth_secret", "auth_secret_file");
        // What this email config sets itself; the globals fill in the rest below.
        var own = new
        {
            SendResolved = e.Bool("send_resolved", false),
            Hello = e.String("hello"),
            AuthUsername = e.String("auth_username"),
            AuthIdentity = e.String("auth_identity"),
            RequireTls = e.OptionalBool("require_tls"),
            TlsConfig = e.TlsConfig("tls_config"),
            Html = e.Template("html"),
            Text = e.Template("text"),
        };

        // Global defaults, filled in as Alertmanager's Config.UnmarshalYAML does.
        if (string.IsNullOrEmpty(smarthost) && !e.Has("smarthost"))
        {
            smarthost = defaults.Smarthost;
            if (string.IsNullOrEmpty(smarthost))
            {
                e.Error("no global SMTP smarthost set");
            }
        }
        if (string.IsNullOrEmpty(from))
        {
            from = defaults.From;
            if (string.IsNullOrEmpty(from))
            {
                e.Error("no global SMTP from set");
            }
        }
        if (string.IsNullOrEmpty(password) && string.IsNullOrEmpty(passwordFile))
        {
            password = defaults.AuthPassword;
            passwordFile = defaults.AuthPasswordFile;
        }
        e.Finish();
        if (string.IsNullOrEmpty(to) || string.IsNullOrEmpty(smarthost) || string.IsNullOrEmpty(from))
        {
            return null;
        }
        return new EmailConfig
        {
            SendResolved = own.SendResolved,
            To = to,
            From = from,
            Hello = string.IsNullOrEmpty(own.Hello) ? defaults.Hello : own.Hello,
            Smarthost = smarthost,
            AuthUsername = string.IsNullOrEmpty(own.AuthUsername) ? defaults.AuthUsername : own.AuthUsername,
            AuthPassword = password,
            AuthPasswordFile = passwordFile,
            AuthSecret = string.IsNullOrEmpty(secret) && string.IsNullOrEmpty(secretFile) ? defaults.AuthSecret : secret,
            AuthSecretFile = string.IsNullOrEmpty(secret) && string.IsNullOrEmpty(secretFile) ? defaults.AuthSecretFile : secretFile,
            AuthIdentity = string.IsNullOrEmpty(own.AuthIdentity) ? defaults.AuthIdentity : own.AuthIdentity,
            RequireTls = own.RequireTls ?? defaults.RequireTls,
            TlsConfig = own.TlsConfig,
            Headers = headers,
            Html = own.Html,
            Text = own.Text,
            Line = LoadContext.Line(e.Node),
        };
    }

    /// <summary>
    /// Go's textproto.CanonicalMIMEHeaderKey: the first letter and every letter after a hyphen upper case, the
    /// rest lower case; a name with a byte that cannot be in a header name (a space, non-ASCII) is left as it is.
    /// </summary>
    internal static string CanonicalHeaderKey(string s)
    {
        if (!s.All(IsTokenChar))
        {
            return s;
        }
        var chars = s.ToCharArray();
        var upper = true;
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = upper ? char.ToUpperInvariant(chars[i]) : char.ToLowerInvariant(chars[i]);
            upper = chars[i] == '-';
        }
        return new string(chars);

        static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal);
    }
}

/// <summary>The smtp_* settings under <c>global:</c>: defaults for every email config.</summary>
internal sealed record EmailDefaults
{
    public static readonly EmailDefaults Default = new();

    public string? From { get; init; }

    public string Hello { get; init; } = "localhost";

    /// <summary><c>host:port</c>.</summary>
    public string? Smarthost { get; init; }

    public string? AuthUsername { get; init; }

    public string? AuthPassword { get; init; }

    public string? AuthPasswordFile { get; init; }

    public string? AuthIdentity { get; init; }

    public string? AuthSecret { get; init; }

    public string? AuthSecretFile { get; init; }

    public bool RequireTls { get; init; } = true;

    public static EmailDefaults Read(MapReader? g)
    {
        if (g is null)
        {
            return Default;
        }
        var defaults = new EmailDefaults
        {
            From = g.String("smtp_from"),
            Hello = g.String("smtp_hello") ?? Default.Hello,
            Smarthost = g.HostPort("smtp_smarthost"),
            AuthUsername = g.String("smtp_auth_username"),
            AuthPassword = g.String("smtp_auth_password"),
            AuthPasswordFile = g.FilePath("smtp_auth_password_file"),
            AuthIdentity = g.String("smtp_auth_identity"),
            AuthSecret = g.String("smtp_auth_secret"),
            AuthSecretFile = g.FilePath("smtp_auth_secret_file"),
            RequireTls = g.Bool("smtp_require_tls", true),
        };
        g.AtMostOne("smtp_auth_secret", "smtp_auth_secret_file");
        g.AtMostOne("smtp_auth_password", "smtp_auth_password_file");
        return defaults;
    }
}
