namespace Alerting.Channels.Http;

/// <summary>
/// A destination given as a URL or as a file holding it (<c>url</c>/<c>url_file</c>, <c>api_url</c>/<c>api_url_file</c>).
/// The file is read at each send, so a rotated token takes effect without a reload. Errors never echo the URL: it is the secret.
/// </summary>
internal static class SecretUrl
{
    /// <summary>The URL, or a secret-free reason why there is none (permanent: retrying will not fix it).</summary>
    /// <param name="expand">Runs the URL's templates (a webhook's) before it is parsed, the file's as well.</param>
    public static async Task<(Uri? Url, string? Error)> ResolveAsync(
        string what, string urlKey, string? url, string fileKey, string? file, CancellationToken ct, Func<string, string>? expand = null)
    {
        if (!string.IsNullOrEmpty(file))
        {
            string text;
            try
            {
                text = (await File.ReadAllTextAsync(file, ct)).Trim();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return (null, $"read {fileKey}: {e.Message}");
            }
            return Parse(expand?.Invoke(text) ?? text) is { } fromFile ? (fromFile, null) : (null, $"{fileKey} {file} does not hold a valid http(s) URL");
        }
        if (string.IsNullOrEmpty(url))
        {
            return (null, $"{what} has neither {urlKey} nor {fileKey}");
        }
        return Parse(expand?.Invoke(url) ?? url) is { } parsed ? (parsed, null) : (null, $"{what} {urlKey} is not a valid http(s) URL");
    }

    private static Uri? Parse(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps) && url.Host.Length > 0
            ? url
            : null;
}
