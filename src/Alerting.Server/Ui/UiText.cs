using System.Globalization;
using Microsoft.Net.Http.Headers;

namespace Alerting.Ui;

/// <summary>
/// The UI's words in English and Chinese (zh-CN). The language comes from the switch (a cookie), else from
/// the browser's Accept-Language. A phrase without a translation shows in English.
/// </summary>
internal sealed partial class UiText
{
    public const string CookieName = "alerting-lang";
    public const string English = "en";
    public const string Chinese = "zh-CN";
    private const string ItemKey = "alerting-ui-text";

    private UiText(string language) => Language = language;

    public string Language { get; }

    public bool IsChinese => Language == Chinese;

    public string this[string english] => IsChinese && s_zh.TryGetValue(english, out var zh) ? zh : english;

    public string Format(string english, params object?[] args) => string.Format(CultureInfo.InvariantCulture, this[english], args);

    /// <summary>English needs a singular; Chinese uses one form for both.</summary>
    public string Plural(int count, string one, string many) => Format(count == 1 ? one : many, count);

    public static UiText For(HttpContext context)
    {
        if (context.Items.TryGetValue(ItemKey, out var cached) && cached is UiText text)
        {
            return text;
        }
        text = new UiText(Negotiate(context.Request.Cookies[CookieName], context.Request.Headers.AcceptLanguage.ToString()));
        context.Items[ItemKey] = text;
        return text;
    }

    internal static string Negotiate(string? chosen, string acceptLanguage)
    {
        if (chosen is English or Chinese)
        {
            return chosen;
        }
        if (StringWithQualityHeaderValue.TryParseList(acceptLanguage.Split(','), out var languages))
        {
            foreach (var language in languages.Where(l => (l.Quality ?? 1) > 0).OrderByDescending(l => l.Quality ?? 1))
            {
                var tag = language.Value.Value ?? "";
                if (tag.StartsWith("zh", StringComparison.OrdinalIgnoreCase))
                {
                    return Chinese;
                }
                if (tag.StartsWith("en", StringComparison.OrdinalIgnoreCase))
                {
                    return English;
                }
            }
        }
        return English;
    }
}
