using System.Collections;
using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Alerting.Core.Configuration;

namespace Alerting.Channels.Http;

/// <summary>
/// Every secret an integration's configuration holds, in every form it is sent in, so that an error text in which a
/// receiver echoes the request (a bearer token, a basic-auth header, a URL's userinfo or token query) can be scrubbed
/// before it is stored or logged. Found by walking the config record: properties named like secrets (<c>*Password</c>,
/// <c>*Secret</c>, <c>*Token</c>, <c>*Key</c>, <c>Credentials</c>), the channel's secret fields (whole URLs), the
/// userinfo and query of every URL, and the contents of their <c>*_file</c> twins.
/// </summary>
internal static class ReceiverSecrets
{
    public const string Mask = "<secret>";

    // Shorter values ("1", "json") are not worth masking, and masking them would garble the text.
    private const int MinLength = 4;
    private const int MaxFileBytes = 64 * 1024;

    private static readonly string[] s_secretSuffixes = ["Password", "Secret", "Token", "Key", "Credentials", "TokenId"];

    /// <summary><paramref name="text"/> with every form of every secret of <paramref name="config"/> masked.</summary>
    public static string Scrub(string text, IntegrationConfig config, IEnumerable<string> secretFields) =>
        Scrub(text, Of(config, secretFields));

    public static string Scrub(string text, IReadOnlyCollection<string> secrets)
    {
        // The longest first, so a whole URL goes before its parts.
        foreach (var secret in secrets.OrderByDescending(s => s.Length))
        {
            text = text.Replace(secret, Mask, StringComparison.Ordinal);
        }
        return text;
    }

    /// <summary>The secrets and their encodings; <paramref name="secretFields"/> are the channel's YAML keys of whole-value secrets.</summary>
    public static IReadOnlyCollection<string> Of(IntegrationConfig config, IEnumerable<string> secretFields)
    {
        var whole = secretFields.Select(Pascal).ToHashSet(StringComparer.Ordinal);
        var found = new Collector();
        Walk(config, whole, found, depth: 0);
        return found.Forms();
    }

    private static void Walk(object? value, HashSet<string> whole, Collector found, int depth)
    {
        if (value is null || depth > 6 || value is string || value.GetType().IsPrimitive || value is TlsConfig)
        {
            return; // a TLS key file is never sent
        }
        if (value is IEnumerable items)
        {
            foreach (var item in items)
            {
                Walk(item, whole, found, depth + 1);
            }
            return;
        }
        if (value is BasicAuth basic)
        {
            found.Add(basic.Username, basic.Password ?? ReadFile(basic.PasswordFile));
        }
        else if ((Text(value, "AuthPassword") ?? ReadFile(Text(value, "AuthPasswordFile"))) is { } smtpPassword)
        {
            found.Add(Text(value, "AuthUsername"), smtpPassword); // SMTP AUTH PLAIN and LOGIN send them base64-encoded
        }
        foreach (var property in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || property.Name == "EqualityContract")
            {
                continue;
            }
            var v = property.GetValue(value);
            var name = property.Name;
            switch (v)
            {
                case string s when name.EndsWith("File", StringComparison.Ordinal):
                    var stem = name[..^4];
                    if (IsSecretName(stem) || whole.Contains(stem) || IsUrlName(stem))
                    {
                        Add(ReadFile(s), stem, whole, found);
                    }
                    break;
                case string s:
                    Add(s, name, whole, found);
                    break;
                case Uri uri:
                    found.AddUrl(uri.OriginalString, wholeSecret: whole.Contains(name));
                    break;
                case IReadOnlyDictionary<string, string> map when IsSecretName(name):
                    foreach (var item in map.Values)
                    {
                        found.Add(item);
                    }
                    break;
                default:
                    Walk(v, whole, found, depth + 1);
                    break;
            }
        }
    }

    private static string? Text(object value, string property) => value.GetType().GetProperty(property)?.GetValue(value) as string;

    private static void Add(string? value, string name, HashSet<string> whole, Collector found)
    {
        if (value is null)
        {
            return;
        }
        if (IsUrlName(name))
        {
            found.AddUrl(value, wholeSecret: whole.Contains(name));
        }
        else if (whole.Contains(name) || IsSecretName(name))
        {
            found.Add(value);
        }
    }

    private static bool IsSecretName(string name) => s_secretSuffixes.Any(s => name.EndsWith(s, StringComparison.Ordinal));

    private static bool IsUrlName(string name) => name.EndsWith("Url", StringComparison.Ordinal) || name.EndsWith("URL", StringComparison.Ordinal);

    private static string? ReadFile(string? path)
    {
        try
        {
            return path is { Length: > 0 } && new FileInfo(path) is { Exists: true, Length: <= MaxFileBytes } ? File.ReadAllText(path).Trim() : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string Pascal(string yamlKey) =>
        string.Concat(yamlKey.Split('_', StringSplitOptions.RemoveEmptyEntries).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));

    /// <summary>Secrets as configured; <see cref="Forms"/> adds how each travels.</summary>
    private sealed class Collector
    {
        private readonly HashSet<string> _plain = new(StringComparer.Ordinal);
        private readonly HashSet<string> _encoded = new(StringComparer.Ordinal);

        public void Add(string? secret)
        {
            if (secret is { Length: >= MinLength })
            {
                _plain.Add(secret);
            }
        }

        /// <summary>A user and password: also as Basic auth (<c>user:password</c>) and SMTP AUTH PLAIN (<c>\0user\0password</c>) send them.</summary>
        public void Add(string? user, string? password)
        {
            Add(password);
            if (password is { Length: > 0 })
            {
                _encoded.Add(Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
                _encoded.Add(Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{user}\0{password}")));
            }
        }

        public void AddUrl(string url, bool wholeSecret)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
            {
                if (wholeSecret)
                {
                    Add(url);
                }
                return;
            }
            if (wholeSecret || uri.UserInfo.Length > 0 || uri.Query.Length > 1)
            {
                Add(url);
                Add(uri.AbsoluteUri);
            }
            if (wholeSecret)
            {
                // A webhook URL's path is its token (Slack, Discord, Teams).
                foreach (var segment in uri.AbsolutePath.Split('/').Where(s => s.Length >= 16))
                {
                    Add(Unescape(segment));
                }
            }
            if (uri.UserInfo.Length > 0)
            {
                var parts = uri.UserInfo.Split(':', 2);
                Add(Unescape(parts[0]), parts.Length > 1 ? Unescape(parts[1]) : "");
                Add(uri.UserInfo);
            }
            foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                var raw = eq >= 0 ? pair[(eq + 1)..] : pair;
                Add(raw);
                Add(Unescape(raw));
            }
        }

        public IReadOnlyCollection<string> Forms()
        {
            var forms = new HashSet<string>(_encoded, StringComparer.Ordinal);
            foreach (var s in _plain)
            {
                forms.Add(s);
                forms.Add(Uri.EscapeDataString(s));
                forms.Add(WebUtility.UrlEncode(s));
                forms.Add(Convert.ToBase64String(Encoding.UTF8.GetBytes(s)));
                forms.Add(JsonEncodedText.Encode(s).ToString());
                var go = new StringBuilder();
                Core.Notifications.GoJson.WriteString(go, s); // Go's encoding/json: \u003c, not \u003C
                forms.Add(go.ToString()[1..^1]);
                forms.Add(JsonEncodedText.Encode(s, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString());
            }
            return [.. forms.Where(f => f.Length >= MinLength)];
        }

        private static string Unescape(string s)
        {
            try
            {
                return Uri.UnescapeDataString(s.Replace('+', ' '));
            }
            catch (UriFormatException)
            {
                return s;
            }
        }
    }
}
