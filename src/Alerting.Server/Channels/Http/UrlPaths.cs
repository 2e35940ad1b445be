namespace Alerting.Channels.Http;

/// <summary>Alertmanager's edits of API URLs (url.URL's Path): a trailing slash, then a path appended to it.</summary>
internal static class UrlPaths
{
    /// <summary>The URL with its path ending in "/" (a query or fragment stays after it), as Alertmanager's loader makes Opsgenie's and VictorOps's.</summary>
    public static string WithTrailingSlash(string url)
    {
        var (head, tail) = Split(url);
        return (head.EndsWith('/') ? head : head + "/") + tail;
    }

    /// <summary><c>u.Path += path</c>: <paramref name="path"/> appended to the path; query and fragment kept after it.</summary>
    public static string Append(string url, string path)
    {
        var (head, tail) = Split(url);
        return head + path + tail;
    }

    private static (string Head, string Tail) Split(string url)
    {
        var end = url.IndexOfAny(['?', '#']);
        return end < 0 ? (url, "") : (url[..end], url[end..]);
    }
}
