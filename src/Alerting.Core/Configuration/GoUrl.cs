using Alerting.Core.Labels;

namespace Alerting.Core.Configuration;

/// <summary>
/// Go's URL parser (net/url as of Go 1.19, which built Alertmanager 0.25): whether it accepts a string, and its
/// error when it does not. <see cref="RequestUriError"/> is <c>url.ParseRequestURI</c> (go-openapi's "uri" format,
/// checked on an alert's <c>generatorURL</c>): an absolute URI or an absolute path. <see cref="ParseError"/> is
/// <c>url.Parse</c> (prometheus/common's config URLs such as <c>proxy_url</c>), which also takes relative
/// references such as <c>foo</c>.
/// </summary>
public static class GoUrl
{
    public static bool IsRequestUri(string s) => RequestUriError(s) is null;

    /// <summary>Null when <c>url.ParseRequestURI</c> accepts <paramref name="s"/>, else its error text.</summary>
    public static string? RequestUriError(string s) => Wrap(s, Parse(s, viaRequest: true));

    /// <summary>Null when <c>url.Parse</c> accepts <paramref name="s"/>, else its error: <c>parse "…": reason</c>.</summary>
    public static string? ParseError(string s)
    {
        var hash = s.IndexOf('#', StringComparison.Ordinal);
        var error = hash < 0 ? Parse(s, viaRequest: false) : Parse(s[..hash], viaRequest: false) ?? Unescape(s[(hash + 1)..], Escaping.Other);
        return Wrap(s, error);
    }

    private enum Escaping
    {
        Other,
        Host,
        Zone,
    }

    private static string? Wrap(string s, string? error) => error is null ? null : $"parse {GoQuote.Quote(s)}: {error}";

    private static string? Parse(string s, bool viaRequest)
    {
        if (s.Any(c => c < 0x20 || c == 0x7F))
        {
            return "net/url: invalid control character in URL";
        }
        if (s.Length == 0)
        {
            return viaRequest ? "empty url" : null;
        }
        if (s == "*")
        {
            return null;
        }
        if (!TrySplitScheme(s, out var hasScheme, out var rest))
        {
            return "missing protocol scheme";
        }
        // A lone trailing '?' forces an empty query; otherwise the query starts at the first '?'.
        var q = rest.IndexOf('?', StringComparison.Ordinal);
        if (q >= 0)
        {
            rest = rest[..q];
        }
        if (!rest.StartsWith('/'))
        {
            if (hasScheme)
            {
                return null; // rootless after a scheme: opaque
            }
            if (viaRequest)
            {
                return "invalid URI for request";
            }
            var slash = rest.IndexOf('/', StringComparison.Ordinal);
            if ((slash < 0 ? rest : rest[..slash]).Contains(':', StringComparison.Ordinal))
            {
                return "first path segment in URL cannot contain colon";
            }
        }
        if ((hasScheme || (!viaRequest && !rest.StartsWith("///", StringComparison.Ordinal))) && rest.StartsWith("//", StringComparison.Ordinal))
        {
            var authority = rest[2..];
            var slash = authority.IndexOf('/', StringComparison.Ordinal);
            rest = slash >= 0 ? authority[slash..] : "";
            if (AuthorityError(slash >= 0 ? authority[..slash] : authority) is { } error)
            {
                return error;
            }
        }
        return Unescape(rest, Escaping.Other);
    }

    private static bool TrySplitScheme(string s, out bool hasScheme, out string rest)
    {
        hasScheme = false;
        rest = s;
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
                    return true;
                }
                continue;
            }
            if (c == ':')
            {
                if (i == 0)
                {
                    return false;
                }
                hasScheme = true;
                rest = s[(i + 1)..];
            }
            return true;
        }
        return true;
    }

    private static string? AuthorityError(string authority)
    {
        var at = authority.LastIndexOf('@');
        if (HostError(at < 0 ? authority : authority[(at + 1)..]) is { } error)
        {
            return error;
        }
        if (at < 0)
        {
            return null;
        }
        var userinfo = authority[..at];
        return userinfo.All(c => char.IsAsciiLetterOrDigit(c) || "-._:~!$&'()*+,;=%@".Contains(c))
            ? Unescape(userinfo, Escaping.Other)
            : "net/url: invalid userinfo";
    }

    private static string? HostError(string host)
    {
        string port;
        if (host.StartsWith('['))
        {
            var close = host.LastIndexOf(']');
            if (close < 0)
            {
                return "missing ']' in host";
            }
            port = host[(close + 1)..];
            if (!ValidPort(port))
            {
                return $"invalid port {GoQuote.Quote(port)} after host";
            }
            var zone = host.IndexOf("%25", StringComparison.Ordinal);
            if (zone >= 0 && zone < close)
            {
                // An IPv6 zone may escape what a host may hold bare, and spaces (Windows).
                return Unescape(host[..zone], Escaping.Host) ?? Unescape(host[zone..close], Escaping.Zone) ?? Unescape(host[close..], Escaping.Host);
            }
        }
        else if (host.LastIndexOf(':') is var colon and >= 0 && !ValidPort(port = host[colon..]))
        {
            return $"invalid port {GoQuote.Quote(port)} after host";
        }
        return Unescape(host, Escaping.Host);
    }

    private static bool ValidPort(string port) => port.Length == 0 || (port[0] == ':' && port[1..].All(char.IsAsciiDigit));

    /// <summary>Go's unescape: every '%' starts two hex digits; in a host, only a few ASCII characters may stand bare.</summary>
    private static string? Unescape(string s, Escaping mode)
    {
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '%')
            {
                if (i + 2 >= s.Length || !char.IsAsciiHexDigit(s[i + 1]) || !char.IsAsciiHexDigit(s[i + 2]))
                {
                    return $"invalid URL escape {GoQuote.Quote(s.Substring(i, Math.Min(3, s.Length - i)))}";
                }
                var escaped = s.Substring(i, 3);
                var value = Convert.ToByte(s.Substring(i + 1, 2), 16);
                // A host may escape only non-ASCII bytes; a zone only what a host may hold bare, and spaces.
                if ((mode == Escaping.Host && value < 0x80 && escaped != "%25")
                    || (mode == Escaping.Zone && escaped != "%25" && value != ' ' && (value >= 0x80 || !HostMayHold((char)value))))
                {
                    return $"invalid URL escape {GoQuote.Quote(escaped)}";
                }
                i += 2;
            }
            else if (mode != Escaping.Other && c < 0x80 && !HostMayHold(c))
            {
                return $"invalid character {GoQuote.Quote(c.ToString())} in host name";
            }
        }
        return null;
    }

    private static bool HostMayHold(char c) => char.IsAsciiLetterOrDigit(c) || "!$&'()*+,;=:[]<>\"-_.~".Contains(c);
}
