namespace Alerting.Channels.Http;

/// <summary>
/// A secret kept in a file (<c>routing_key_file</c>, <c>api_key_file</c>, <c>token_file</c>...), read at each send
/// as Alertmanager reads it, so a rotated key applies without a reload.
/// </summary>
internal static class SecretFile
{
    /// <summary>The file's text, trimmed of surrounding whitespace, or why it could not be read (never the content).</summary>
    public static async Task<(string? Value, string? Error)> ReadAsync(string path, CancellationToken ct)
    {
        try
        {
            return ((await File.ReadAllTextAsync(path, ct)).Trim(), null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, e.Message);
        }
    }
}
