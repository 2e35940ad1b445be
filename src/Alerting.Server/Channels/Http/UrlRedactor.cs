namespace Alerting.Channels.Http;

/// <summary>
/// Keeps receiver URLs out of errors and logs: webhook URLs often carry a token in the query or in userinfo.
/// </summary>
internal static class UrlRedactor
{
    public const string Mask = "<redacted>";

    // Shorter query values ("1", "json") are not worth masking and masking them would garble the text.
    private const int MinMaskedValueLength = 4;

    /// <summary><c>scheme://host[:port]/path</c>: no userinfo, query or fragment.</summary>
    public static string Redact(Uri uri) => uri.IsAbsoluteUri
        ? uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped)
        : Mask;

    /// <summary>
    /// Masks every trace of <paramref name="uri"/>'s userinfo and query in free text such as an exception
    /// message or a response body that echoes the request.
    /// </summary>
    public static string Scrub(string text, Uri uri)
    {
        if (!uri.IsAbsoluteUri || text.Length == 0 || (uri.UserInfo.Length == 0 && uri.Query.Length <= 1))
        {
            return text; // nothing secret beyond what Redact keeps
        }
        var secrets = new List<string> { uri.OriginalString, uri.AbsoluteUri };
        if (uri.UserInfo.Length > 0)
        {
            secrets.Add(uri.UserInfo);
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            if (colon >= 0 && uri.UserInfo.Length - colon - 1 >= MinMaskedValueLength)
            {
                secrets.Add(uri.UserInfo[(colon + 1)..]);
            }
        }
        if (uri.Query.Length > 1)
        {
            secrets.Add(uri.Query[1..]);
            foreach (var pair in uri.Query[1..].Split('&'))
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                var value = eq >= 0 ? pair[(eq + 1)..] : pair;
                if (value.Length >= MinMaskedValueLength)
                {
                    secrets.Add(value);
                }
            }
        }
        // Each secret also in its decoded form; the longest first, so a whole URL goes before its parts.
        foreach (var secret in secrets.Concat(secrets.Select(Unescape)).Where(s => s.Length > 0).Distinct().OrderByDescending(s => s.Length))
        {
            text = text.Replace(secret, Mask, StringComparison.Ordinal);
        }
        return text;
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
