using System.Net.Http.Headers;
using System.Text.Json;
using Alerting.Core.Configuration;

namespace Alerting.Channels.Http;

/// <summary>
/// OAuth 2.0 client credentials for <c>http_config.oauth2</c>, as prometheus/common's round tripper gets them
/// (golang.org/x/oauth2/clientcredentials): a form POST to <c>token_url</c> with the client's id and secret as
/// basic auth, <c>scope</c> space-separated and <c>endpoint_params</c>; the token is reused until 10 s before it
/// expires. The secret file is read at every fetch, so a rotated secret applies without a reload.
/// </summary>
internal sealed class OAuth2Tokens(OAuth2Config config, TimeProvider time) : IDisposable
{
    // x/oauth2's expiryDelta: a token this close to its expiry is fetched anew.
    private static readonly TimeSpan ExpiryDelta = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan FetchTimeout = TimeSpan.FromSeconds(10);

    // The token endpoint has its own TLS and proxy settings.
    private readonly HttpClient _client = HttpClientProvider.Create(new HttpClientConfig { TlsConfig = config.TlsConfig, ProxyUrl = config.ProxyUrl });
    private readonly SemaphoreSlim _fetch = new(1, 1);
    private (string Header, DateTimeOffset? Expiry)? _token;

    /// <summary>The Authorization header value; throws <see cref="HttpSendException"/> (retryable) when no token can be had.</summary>
    public async Task<string> HeaderAsync(CancellationToken ct)
    {
        if (Valid(_token) is { } cached)
        {
            return cached;
        }
        await _fetch.WaitAsync(ct);
        try
        {
            if (Valid(_token) is { } fetched)
            {
                return fetched;
            }
            _token = await FetchAsync(ct);
            return _token.Value.Header;
        }
        finally
        {
            _fetch.Release();
        }
    }

    public void Dispose()
    {
        _client.Dispose();
        _fetch.Dispose();
    }

    private string? Valid((string Header, DateTimeOffset? Expiry)? token) =>
        token is { } t && (t.Expiry is null || t.Expiry.Value - ExpiryDelta > time.GetUtcNow()) ? t.Header : null;

    private async Task<(string, DateTimeOffset?)> FetchAsync(CancellationToken ct)
    {
        var secret = config.ClientSecretFile is { Length: > 0 } file ? await ReadSecretAsync(file, ct) : config.ClientSecret ?? "";
        var form = new List<KeyValuePair<string, string>> { new("grant_type", "client_credentials") };
        if (config.Scopes.Count > 0)
        {
            form.Add(new("scope", string.Join(' ', config.Scopes)));
        }
        form.AddRange(config.EndpointParams.OrderBy(p => p.Key, StringComparer.Ordinal));
        using var request = new HttpRequestMessage(HttpMethod.Post, config.TokenUrl) { Content = new FormUrlEncodedContent(form) };
        // x/oauth2 query-escapes both parts before joining them (RFC 6749 2.3.1).
        var basic = $"{GoUrlValues.QueryEscape(config.ClientId)}:{GoUrlValues.QueryEscape(secret)}";
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(basic)));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(FetchTimeout);
        string body;
        int status;
        try
        {
            using var response = await _client.SendAsync(request, timeout.Token);
            status = (int)response.StatusCode;
            body = await response.Content.ReadAsStringAsync(timeout.Token);
        }
        catch (Exception e) when (e is HttpRequestException or IOException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            throw new HttpSendException($"oauth2: cannot fetch token from {UrlRedactor.Redact(new Uri(config.TokenUrl))}: {e.Message}", retryable: true, e);
        }
        if (status is < 200 or >= 300)
        {
            throw new HttpSendException($"oauth2: cannot fetch token: {status}\nResponse: {Prefix(body)}", retryable: true);
        }
        return Parse(body);
    }

    private (string, DateTimeOffset?) Parse(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            var access = root.TryGetProperty("access_token", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
            if (string.IsNullOrEmpty(access))
            {
                throw new HttpSendException("oauth2: server response missing access_token", retryable: true);
            }
            var type = root.TryGetProperty("token_type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            DateTimeOffset? expiry = root.TryGetProperty("expires_in", out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var seconds) && seconds > 0
                ? time.GetUtcNow().AddSeconds(seconds)
                : null;
            return ($"{TokenType(type)} {access}", expiry);
        }
        catch (JsonException e)
        {
            throw new HttpSendException($"oauth2: cannot parse token response: {e.Message}", retryable: true, e);
        }
    }

    /// <summary>x/oauth2's Token.Type: bearer, mac and basic in their canonical case, empty as Bearer, others as sent.</summary>
    private static string TokenType(string? type) => type?.ToLowerInvariant() switch
    {
        null or "" or "bearer" => "Bearer",
        "mac" => "MAC",
        "basic" => "Basic",
        _ => type!,
    };

    private static string Prefix(string body) => body.Length <= 1024 ? body : body[..1024];

    private static async Task<string> ReadSecretAsync(string path, CancellationToken ct)
    {
        try
        {
            return (await File.ReadAllTextAsync(path, ct)).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new HttpSendException($"unable to read oauth2 client_secret_file: {e.Message}", retryable: true, e);
        }
    }
}
