namespace Alerting.Api;

/// <summary>
/// Whether Go's <c>url.ParseRequestURI</c> accepts a string: go-openapi's "uri" format, which Alertmanager's API
/// checks on an alert's <c>generatorURL</c>. An absolute URI or an absolute path; no fragment handling.
/// </summary>
internal static class GoRequestUri
{
    public static bool IsValid(string s)
    {
        if (s.Length == 0 || s.Any(c => c < 0x20 || c == 0x7F))
        {
            return false;
        }
        if (s == "*")
        {
            return true;
        }
        if (!TrySplitScheme(s, out var hasScheme, out var rest))
        {
            return false; // "missing protocol scheme"
        }
        // A lone trailing '?' forces an empty query; otherwise the query starts at the first '?'.
        var q = rest.IndexOf('?', StringComparison.Ordinal);
        if (q >= 0)
        {
            rest = rest[..q];
        }
        if (!rest.StartsWith('/'))
        {
            return hasScheme; // rootless after a scheme is opaque; without one, "invalid URI for request"
        }
        if (hasScheme && rest.StartsWith("//", StringComparison.Ordinal))
        {
            var authority = rest[2..];
            var slash = authority.IndexOf('/', StringComparison.Ordinal);
            if (slash >= 0)
            {
                rest = authority[slash..];
                authority = authority[..slash];
            }
            else
            {
                rest = "";
            }
            if (!IsAuthority(authority))
            {
                return false;
            }
        }
        return Unescapes(rest, host: false);
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

    private static bool IsAuthority(string authority)
    {
        var at = authority.LastIndexOf('@');
        var host = at < 0 ? authority : authority[(at + 1)..];
        if (!IsHost(host))
        {
            return false;
        }
        if (at < 0)
        {
            return true;
        }
        var userinfo = authority[..at];
        return userinfo.All(c => char.IsAsciiLetterOrDigit(c) || "-._:~!$&'()*+,;=%@".Contains(c)) && Unescapes(userinfo, host: false);
    }

    private static bool IsHost(string host)
    {
        string port;
        if (host.StartsWith('['))
        {
            var close = host.LastIndexOf(']');
            if (close < 0)
            {
                return false;
            }
            port = host[(close + 1)..];
            var zone = host.IndexOf("%25", StringComparison.Ordinal);
            if (zone >= 0 && zone < close)
            {
                // An IPv6 zone may escape what a host may hold bare, and spaces (Windows).
                return ValidPort(port) && Unescapes(host[..zone], host: true) && Unescapes(host[close..], host: true)
                    && Unescapes(host[zone..close], host: true, zone: true);
            }
        }
        else
        {
            var colon = host.LastIndexOf(':');
            port = colon < 0 ? "" : host[colon..];
        }
        return ValidPort(port) && Unescapes(host, host: true);
    }

    private static bool ValidPort(string port) => port.Length == 0 || (port[0] == ':' && port[1..].All(char.IsAsciiDigit));

    /// <summary>Go's unescape: every '%' starts two hex digits; in a host, only a few ASCII characters may stand bare.</summary>
    private static bool Unescapes(string s, bool host, bool zone = false)
    {
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '%')
            {
                if (i + 2 >= s.Length || !char.IsAsciiHexDigit(s[i + 1]) || !char.IsAsciiHexDigit(s[i + 2]))
                {
                    return false;
                }
                var escaped = s.Substring(i, 3);
                var value = Convert.ToByte(s.Substring(i + 1, 2), 16);
                if (host && !zone && value < 0x80 && escaped != "%25")
                {
                    return false; // a host may escape only non-ASCII bytes
                }
                if (zone && escaped != "%25" && value != ' ' && (value >= 0x80 || !HostMayHold((char)value)))
                {
                    return false;
                }
                i += 2;
            }
            else if (host && c < 0x80 && !HostMayHold(c))
            {
                return false;
            }
        }
        return true;
    }

    private static bool HostMayHold(char c) => char.IsAsciiLetterOrDigit(c) || "!$&'()*+,;=:[]<>\"-_.~".Contains(c);
}
