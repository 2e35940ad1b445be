namespace Alerting.Channels.WeChat;

/// <summary>
/// The two endpoints under <c>api_url</c>, built as Alertmanager builds them with net/url: the name appended to
/// the path; gettoken's query replaces any the URL had, message/send's joins it (url.Values.Encode: keys sorted).
/// </summary>
internal static class WeChatUrls
{
    public static string GetToken(string apiUrl, string corpId, string corpSecret) =>
        Path(apiUrl, "gettoken") + "?" + Encode([("corpid", corpId), ("corpsecret", corpSecret)]);

    public static string MessageSend(string apiUrl, string accessToken)
    {
        var query = Query(apiUrl).Where(p => p.Key != "access_token").Append(("access_token", accessToken));
        return Path(apiUrl, "message/send") + "?" + Encode(query);
    }

    /// <summary>The URL without query and fragment, <paramref name="name"/> appended to its path.</summary>
    private static string Path(string apiUrl, string name)
    {
        var end = apiUrl.IndexOfAny(['?', '#']);
        return (end < 0 ? apiUrl : apiUrl[..end]) + name;
    }

    private static IEnumerable<(string Key, string Value)> Query(string apiUrl)
    {
        var start = apiUrl.IndexOf('?', StringComparison.Ordinal);
        if (start < 0)
        {
            yield break;
        }
        var hash = apiUrl.IndexOf('#', start);
        var query = hash < 0 ? apiUrl[(start + 1)..] : apiUrl[(start + 1)..hash];
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            yield return eq < 0 ? (Unescape(pair), "") : (Unescape(pair[..eq]), Unescape(pair[(eq + 1)..]));
        }
    }

    private static string Unescape(string s) => Uri.UnescapeDataString(s.Replace('+', ' '));

    /// <summary>url.Values.Encode: sorted by key (stable for repeated keys), each part query-escaped.</summary>
    private static string Encode(IEnumerable<(string Key, string Value)> pairs) =>
        string.Join('&', pairs.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => WeChatMessage.QueryEscape(p.Key) + "=" + WeChatMessage.QueryEscape(p.Value)));
}
