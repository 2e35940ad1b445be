using Alerting.GoTemplates.Values;

namespace Alerting.GoTemplates.Sprig;

/// <summary>
/// The function map prometheus-webhook-dingtalk gives its templates: its own (toUpper, toLower, markdown), then
/// sprig v3's TxtFuncMap, which wins where names meet (template.go: Funcs(defaultFuncs).Funcs(sprig.TxtFuncMap())).
/// Left out: functions that reach the network, files or keys (getHostByName, the certificate, bcrypt, htpasswd,
/// derivePassword and AES functions); env and expandenv see an empty environment.
/// </summary>
internal static class SprigFunctions
{
    public static IEnumerable<GoFunc> Create(TimeProvider clock) =>
    [
        .. WebhookDingtalk(),
        .. SprigStrings.Functions(),
        .. SprigLists.Functions(),
        .. SprigDicts.Functions(),
        .. SprigNumbers.Functions(),
        .. SprigDates.Functions(clock),
        .. SprigRegex.Functions(),
        .. SprigMisc.Functions(),
        .. SprigPaths.Functions(),
        .. SprigUrls.Functions(),
        .. SprigSemver.Functions(),
    ];

    /// <summary>prometheus-webhook-dingtalk's template/funcs.go.</summary>
    private static IEnumerable<GoFunc> WebhookDingtalk() =>
    [
        new("toUpper", GoSignature.Of(GoTypes.String), a => ((string)a[0]!).ToUpperInvariant()),
        new("toLower", GoSignature.Of(GoTypes.String), a => ((string)a[0]!).ToLowerInvariant()),
        new("markdown", GoSignature.Of(GoTypes.String), a => Markdown((string)a[0]!)),
    ];

    /// <summary>markdownEscapeString: a backslash before each _ * and `.</summary>
    internal static string Markdown(string s)
    {
        var sb = new System.Text.StringBuilder(s.Length);
        foreach (var c in s)
        {
            if (c is '_' or '*' or '`')
            {
                sb.Append('\\');
            }
            sb.Append(c);
        }
        return sb.ToString();
    }
}
