using System.Net;
using System.Text.RegularExpressions;
using Alerting.Infrastructure;

namespace Alerting.Ui;

/// <summary>A browser without JavaScript: keeps cookies, does not follow redirects, and submits forms with their anti-forgery token.</summary>
internal sealed partial class UiClient : IDisposable
{
    private readonly HttpClient _client;

    public UiClient(AlertingTestHost host, string? acceptLanguage = null)
    {
        Cookies = new CookieContainer();
        _client = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false }) { BaseAddress = host.BaseAddress };
        if (acceptLanguage is not null)
        {
            _client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(acceptLanguage);
        }
    }

    public CookieContainer Cookies { get; }

    public HttpClient Http => _client;

    public async Task<(HttpStatusCode Status, string Html)> GetAsync(string path)
    {
        using var response = await _client.GetAsync(path);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>POSTs a form the way the page's own form would: with the anti-forgery token taken from <paramref name="pageHtml"/>.</summary>
    public async Task<HttpResponseMessage> SubmitAsync(string path, string pageHtml, params (string Name, string Value)[] fields)
    {
        var token = TokenPattern().Match(pageHtml);
        Assert.True(token.Success, "the page has no anti-forgery token");
        var form = fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)).Append(new("__csrf", WebUtility.HtmlDecode(token.Groups[1].Value)));
        return await _client.PostAsync(path, new FormUrlEncodedContent(form));
    }

    [GeneratedRegex("name=\"__csrf\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    public void Dispose() => _client.Dispose();
}
