using System.Globalization;
using System.Text;
using Alerting.Channels.Http;
using Alerting.Core.Notifications;

namespace Alerting.Channels.Discord;

/// <summary>Alertmanager's Discord webhook body: content, one embed (title, description, colour by status), username, avatar_url.</summary>
internal static class DiscordMessage
{
    // Discord's embed limits, in runes, as Alertmanager counts them.
    public const int MaxTitleLenRunes = 256;
    public const int MaxDescriptionLenRunes = 4096;
    public const int MaxContentLenRunes = 2000;

    public const int ColorRed = 0x992D22;
    public const int ColorGreen = 0x2ECC71;

    /// <summary>
    /// The body for already-rendered title, description and content, cut to Discord's limits. Alertmanager
    /// colours by the alerts' status: red when any fires, green when all are resolved.
    /// </summary>
    public static string Body(string title, string description, string content, bool firing, DiscordConfig config)
    {
        var sb = new StringBuilder(description.Length + title.Length + content.Length + 128);
        sb.Append("{\"content\":");
        GoJson.WriteString(sb, Truncation.TruncateInRunes(content, MaxContentLenRunes).Text);
        sb.Append(",\"embeds\":[{\"title\":");
        GoJson.WriteString(sb, Truncation.TruncateInRunes(title, MaxTitleLenRunes).Text);
        sb.Append(",\"description\":");
        GoJson.WriteString(sb, Truncation.TruncateInRunes(description, MaxDescriptionLenRunes).Text);
        sb.Append(",\"color\":").Append((firing ? ColorRed : ColorGreen).ToString(CultureInfo.InvariantCulture)).Append("}]");
        if (config.Username.Length > 0)
        {
            sb.Append(",\"username\":");
            GoJson.WriteString(sb, config.Username);
        }
        if (config.AvatarUrl.Length > 0 && GoUrl.Parses(config.AvatarUrl))
        {
            sb.Append(",\"avatar_url\":");
            GoJson.WriteString(sb, config.AvatarUrl);
        }
        sb.Append("}\n");
        return sb.ToString();
    }
}

/// <summary>Whether Go's url.Parse accepts a text: Alertmanager leaves an avatar URL it rejects out of the message.</summary>
internal static class GoUrl
{
    public static bool Parses(string s)
    {
        if (s.Any(c => c < 0x20 || c == 0x7f))
        {
            return false; // "invalid control character in URL"
        }
        var hash = s.IndexOf('#', StringComparison.Ordinal);
        if (hash >= 0 && !EscapesValid(s[(hash + 1)..]))
        {
            return false;
        }
        var rest = hash >= 0 ? s[..hash] : s;
        var scheme = Scheme(rest);
        if (scheme < 0)
        {
            return false; // "missing protocol scheme"
        }
        rest = rest[scheme..];
        var query = rest.IndexOf('?', StringComparison.Ordinal);
        rest = query >= 0 ? rest[..query] : rest; // the raw query is not checked
        if (scheme > 0 && !rest.StartsWith('/'))
        {
            return true; // opaque, as mailto:x
        }
        if (scheme == 0)
        {
            var slash = rest.IndexOf('/', StringComparison.Ordinal);
            if ((slash < 0 ? rest : rest[..slash]).Contains(':', StringComparison.Ordinal) && !rest.StartsWith("//", StringComparison.Ordinal))
            {
                return false; // "first path segment in URL cannot contain colon"
            }
        }
        if (rest.StartsWith("//", StringComparison.Ordinal))
        {
            var end = rest.IndexOf('/', 2);
            var authority = end < 0 ? rest[2..] : rest[2..end];
            rest = end < 0 ? "" : rest[end..];
            var host = authority[(authority.LastIndexOf('@') + 1)..];
            if (!HostValid(host))
            {
                return false;
            }
        }
        return EscapesValid(rest);
    }

    /// <summary>The length of "scheme:" (0 when there is none), or -1 for a leading colon.</summary>
    private static int Scheme(string s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (char.IsAsciiLetter(c))
            {
                continue;
            }
            if (char.IsAsciiDigit(c) || c is '+' or '-' or '.')
            {
                if (i == 0)
                {
                    return 0;
                }
                continue;
            }
            return c == ':' ? (i == 0 ? -1 : i + 1) : 0;
        }
        return 0;
    }

    private static bool HostValid(string host)
    {
        if (host.StartsWith('['))
        {
            var close = host.IndexOf(']', StringComparison.Ordinal);
            return close > 0 && PortValid(host[(close + 1)..]);
        }
        var colon = host.LastIndexOf(':');
        return (colon < 0 || PortValid(host[colon..])) && EscapesValid(host);
    }

    private static bool PortValid(string port) => port.Length == 0 || (port[0] == ':' && port[1..].All(char.IsAsciiDigit));

    /// <summary>Every % starts two hex digits.</summary>
    private static bool EscapesValid(string s)
    {
        for (var i = s.IndexOf('%', StringComparison.Ordinal); i >= 0; i = s.IndexOf('%', i + 1))
        {
            if (i + 2 >= s.Length || !char.IsAsciiHexDigit(s[i + 1]) || !char.IsAsciiHexDigit(s[i + 2]))
            {
                return false;
            }
        }
        return true;
    }
}
