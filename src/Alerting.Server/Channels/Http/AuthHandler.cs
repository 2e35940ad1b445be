using System.Text;
using Alerting.Core.Configuration;

namespace Alerting.Channels.Http;

/// <summary>
/// Adds the Authorization header an <see cref="HttpClientConfig"/> asks for, as prometheus/common's round
/// trippers do: secret files are read on every request so rotated credentials apply without a reload, and a
/// header the caller set is left alone.
/// </summary>
internal sealed class AuthHandler(HttpClientConfig config) : DelegatingHandler
{
    private const string Header = "Authorization";

    // One token cache per client, as the provider keeps one client per distinct config.
    private readonly OAuth2Tokens? _oauth2 = config.OAuth2 is { } o ? new OAuth2Tokens(o, TimeProvider.System) : null;

    public static bool Needed(HttpClientConfig config) =>
        config.BasicAuth is not null || config.Authorization is not null || config.OAuth2 is not null
        || !string.IsNullOrEmpty(config.BearerToken) || !string.IsNullOrEmpty(config.BearerTokenFile);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var withheld = request.Options.TryGetValue(RedirectHandler.WithholdCredentials, out var w) && w;
        if (!withheld && !request.Headers.Contains(Header) && await ValueAsync(cancellationToken) is { } value)
        {
            // Without validation: the credentials are sent exactly as configured, as Go does.
            request.Headers.TryAddWithoutValidation(Header, value);
        }
        return await base.SendAsync(request, cancellationToken);
    }

    private async Task<string?> ValueAsync(CancellationToken ct)
    {
        if (_oauth2 is not null)
        {
            return await _oauth2.HeaderAsync(ct);
        }
        if (config.BasicAuth is { } basic)
        {
            var password = !string.IsNullOrEmpty(basic.PasswordFile)
                ? await ReadSecretAsync(basic.PasswordFile, "basic_auth password_file", ct)
                : basic.Password ?? "";
            return "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{basic.Username}:{password}"));
        }
        if (config.Authorization is { } auth)
        {
            var credentials = !string.IsNullOrEmpty(auth.CredentialsFile)
                ? await ReadSecretAsync(auth.CredentialsFile, "authorization credentials_file", ct)
                : auth.Credentials;
            return string.IsNullOrEmpty(credentials) ? null : $"{auth.Type} {credentials}";
        }
        if (!string.IsNullOrEmpty(config.BearerTokenFile))
        {
            return "Bearer " + await ReadSecretAsync(config.BearerTokenFile, "bearer_token_file", ct);
        }
        return string.IsNullOrEmpty(config.BearerToken) ? null : "Bearer " + config.BearerToken;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _oauth2?.Dispose();
        }
        base.Dispose(disposing);
    }

    private static async Task<string> ReadSecretAsync(string path, string what, CancellationToken ct)
    {
        try
        {
            return (await File.ReadAllTextAsync(path, ct)).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Retryable as in Alertmanager, where this error surfaces from the HTTP client: a secret being
            // rotated or mounted may be back by the next attempt. The path is not a secret; the content is.
            throw new HttpSendException($"unable to read {what}: {e.Message}", retryable: true, e);
        }
    }
}
