using System.Text;

namespace Alerting.Channels.Http;

/// <summary>Go's url.URL.JoinPath and path.Clean, on URLs as written (Alertmanager builds API paths with them).</summary>
internal static class GoUrlPath
{
    /// <summary>
    /// <c>u.JoinPath(elem).String()</c>: the elements joined to the URL's path and cleaned (no doubled slashes, no
    /// <c>.</c> or <c>..</c>), a trailing slash kept when the last element has one; query and fragment kept.
    /// </summary>
    public static string JoinPath(string url, params string[] elems)
    {
        var authorityStart = url.IndexOf("://", StringComparison.Ordinal);
        authorityStart = authorityStart < 0 ? 0 : authorityStart + 3;
        var pathStart = url.IndexOfAny(['/', '?', '#'], authorityStart);
        if (pathStart < 0)
        {
            pathStart = url.Length;
        }
        var tailStart = url.IndexOfAny(['?', '#'], pathStart);
        if (tailStart < 0)
        {
            tailStart = url.Length;
        }
        var path = url[pathStart..tailStart];
        var all = new[] { path }.Concat(elems).ToArray();
        string joined;
        if (!path.StartsWith('/'))
        {
            all[0] = "/" + path;
            joined = Join(all)[1..];
        }
        else
        {
            joined = Join(all);
        }
        if (all[^1].EndsWith('/') && !joined.EndsWith('/'))
        {
            joined += "/";
        }
        // url.String() puts a slash between a host and a relative path.
        var separator = joined.Length > 0 && joined[0] != '/' && pathStart > authorityStart ? "/" : "";
        return url[..pathStart] + separator + joined + url[tailStart..];
    }

    /// <summary>path.Join: the non-empty elements joined with slashes, cleaned; "" when all are empty.</summary>
    public static string Join(params string[] elems)
    {
        var parts = elems.Where(e => e.Length > 0).ToArray();
        return parts.Length == 0 ? "" : Clean(string.Join('/', parts));
    }

    /// <summary>path.Clean: the shortest equivalent path, "." for an empty one.</summary>
    public static string Clean(string path)
    {
        if (path.Length == 0)
        {
            return ".";
        }
        var rooted = path[0] == '/';
        var segments = new List<string>();
        foreach (var segment in path.Split('/'))
        {
            if (segment.Length == 0 || segment == ".")
            {
                continue;
            }
            if (segment == "..")
            {
                if (segments.Count > 0 && segments[^1] != "..")
                {
                    segments.RemoveAt(segments.Count - 1);
                }
                else if (!rooted)
                {
                    segments.Add("..");
                }
                continue;
            }
            segments.Add(segment);
        }
        var sb = new StringBuilder(path.Length);
        if (rooted)
        {
            sb.Append('/');
        }
        sb.AppendJoin('/', segments);
        return sb.Length == 0 ? "." : sb.ToString();
    }
}
