using System.Text;
using Alerting.GoTemplates.Values;

namespace Alerting.GoTemplates.Sprig;

/// <summary>sprig's urlParse and urlJoin over net/url's parts (scheme, userinfo, host, path, query, fragment, opaque).</summary>
internal static class SprigUrls
{
    public static IEnumerable<GoFunc> Functions() =>
    [
        new("urlParse", GoSignature.Of(GoTypes.String), a => Parse((string)a[0]!)),
        new("urlJoin", GoSignature.Of(GoTypes.AnyMap), a => Join((GoMap)a[0]!)),
    ];

    private static SprigDict Parse(string v)
    {
        string scheme = "", userinfo = "", host = "", path, query = "", fragment = "", opaque = "";
        var rest = v;
        var hash = rest.IndexOf('#', StringComparison.Ordinal);
        if (hash >= 0)
        {
            fragment = Uri.UnescapeDataString(rest[(hash + 1)..]);
            rest = rest[..hash];
        }
        var colon = rest.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && char.IsAsciiLetter(rest[0]) && rest[..colon].All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.'))
        {
            scheme = rest[..colon].ToLowerInvariant();
            rest = rest[(colon + 1)..];
        }
        var q = rest.IndexOf('?', StringComparison.Ordinal);
        if (q >= 0)
        {
            query = rest[(q + 1)..];
            rest = rest[..q];
        }
        if (scheme.Length > 0 && !rest.StartsWith('/'))
        {
            opaque = rest;
            rest = "";
        }
        else if (rest.StartsWith("//", StringComparison.Ordinal))
        {
            var authority = rest[2..];
            var slash = authority.IndexOf('/', StringComparison.Ordinal);
            rest = slash >= 0 ? authority[slash..] : "";
            authority = slash >= 0 ? authority[..slash] : authority;
            var at = authority.LastIndexOf('@');
            if (at >= 0)
            {
                userinfo = authority[..at];
                authority = authority[(at + 1)..];
            }
            host = authority;
        }
        path = Uri.UnescapeDataString(rest);
        var hostname = host.StartsWith('[') ? host[1..Math.Max(1, host.IndexOf(']', StringComparison.Ordinal))]
            : host.LastIndexOf(':') is var p and >= 0 ? host[..p] : host;
        return new SprigDict(new Dictionary<string, object?>
        {
            ["scheme"] = scheme, ["host"] = host, ["hostname"] = hostname, ["path"] = path, ["query"] = query,
            ["opaque"] = opaque, ["fragment"] = fragment, ["userinfo"] = userinfo,
        });
    }

    private static string Join(GoMap d)
    {
        string Get(string key) => !d.TryGet(key, out var v) ? ""
            : GoTypes.TryString(v, out var s) ? s
            : throw new GoCallException($"unable to parse {key} key, must be of type string, but {SprigValues.KindName(v)} found");
        var sb = new StringBuilder();
        var scheme = Get("scheme");
        if (scheme.Length > 0)
        {
            sb.Append(scheme).Append(':');
        }
        var opaque = Get("opaque");
        if (opaque.Length > 0)
        {
            sb.Append(opaque);
        }
        else
        {
            var host = Get("host");
            var user = Get("userinfo");
            if (scheme.Length > 0 || host.Length > 0 || user.Length > 0)
            {
                sb.Append("//");
                if (user.Length > 0)
                {
                    sb.Append(user).Append('@');
                }
                sb.Append(host);
            }
            var path = Get("path");
            if (path.Length > 0 && path[0] != '/' && host.Length > 0)
            {
                sb.Append('/');
            }
            sb.Append(string.Join('/', path.Split('/').Select(Uri.EscapeDataString)));
        }
        if (Get("query") is { Length: > 0 } query)
        {
            sb.Append('?').Append(query);
        }
        if (Get("fragment") is { Length: > 0 } fragment)
        {
            sb.Append('#').Append(Uri.EscapeDataString(fragment));
        }
        return sb.ToString();
    }
}
