using System.Collections.Concurrent;

namespace Alerting.Channels.Sns;

/// <summary>
/// Where SNS's credentials come from, in the AWS SDK's order: the keys in sigv4; else the profile named in
/// sigv4 from the shared credentials file; else AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN;
/// else the shared file's AWS_PROFILE or "default" profile. With role_arn, those credentials assume the role
/// (<see cref="StsClient"/>). Instance metadata (EC2, ECS) and web identity tokens are not read.
/// </summary>
internal sealed class AwsCredentialChain(Func<string, string?> environment)
{
    public static readonly AwsCredentialChain Process = new(Environment.GetEnvironmentVariable);

    /// <summary>The base credentials, or why there are none (the SDK's NoCredentialProviders).</summary>
    public (AwsCredentials? Credentials, string? Error) Resolve(SigV4Config sigv4)
    {
        if (sigv4.AccessKey.Length > 0)
        {
            return (new AwsCredentials(sigv4.AccessKey, sigv4.SecretKey), null);
        }
        if (sigv4.Profile.Length > 0)
        {
            return FromSharedFile(sigv4.Profile);
        }
        var id = environment("AWS_ACCESS_KEY_ID") is { Length: > 0 } a ? a : environment("AWS_ACCESS_KEY");
        var secret = environment("AWS_SECRET_ACCESS_KEY") is { Length: > 0 } s ? s : environment("AWS_SECRET_KEY");
        if (!string.IsNullOrEmpty(id) && !string.IsNullOrEmpty(secret))
        {
            return (new AwsCredentials(id, secret, NullIfEmpty(environment("AWS_SESSION_TOKEN"))), null);
        }
        return FromSharedFile(environment("AWS_PROFILE") is { Length: > 0 } p ? p : "default");
    }

    /// <summary>sigv4.region, else AWS_REGION, else AWS_DEFAULT_REGION; empty when none.</summary>
    public string Region(SigV4Config sigv4) =>
        sigv4.Region.Length > 0 ? sigv4.Region : environment("AWS_REGION") is { Length: > 0 } r ? r : environment("AWS_DEFAULT_REGION") ?? "";

    private (AwsCredentials?, string?) FromSharedFile(string profile)
    {
        var file = environment("AWS_SHARED_CREDENTIALS_FILE") is { Length: > 0 } f
            ? f
            : Path.Combine(environment("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".aws", "credentials");
        const string none = "NoCredentialProviders: no valid providers in chain";
        if (!File.Exists(file))
        {
            return (null, none);
        }
        var values = ReadProfile(File.ReadAllLines(file), profile);
        return values.TryGetValue("aws_access_key_id", out var id) && values.TryGetValue("aws_secret_access_key", out var secret) && id.Length > 0 && secret.Length > 0
            ? (new AwsCredentials(id, secret, NullIfEmpty(values.GetValueOrDefault("aws_session_token"))), null)
            : (null, $"{none}: profile \"{profile}\" has no credentials in {file}");
    }

    /// <summary>The keys of one [profile] section of an INI file; # and ; start comments.</summary>
    internal static Dictionary<string, string> ReadProfile(IEnumerable<string> lines, string profile)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var inside = false;
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';')
            {
                continue;
            }
            if (line.StartsWith('[') && line.EndsWith(']'))
            {
                inside = line[1..^1].Trim() == profile;
                continue;
            }
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (inside && eq > 0)
            {
                result[line[..eq].Trim()] = line[(eq + 1)..].Trim();
            }
        }
        return result;
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}

/// <summary>Temporary credentials of assumed roles, kept until a minute before they expire (notifiers are short-lived).</summary>
internal static class AssumedRoles
{
    private static readonly ConcurrentDictionary<string, AwsCredentials> Cache = new();

    public static AwsCredentials? Get(string key, DateTimeOffset now) =>
        Cache.TryGetValue(key, out var c) && c.Expires is { } expires && expires - TimeSpan.FromMinutes(1) > now ? c : null;

    public static void Put(string key, AwsCredentials credentials) => Cache[key] = credentials;
}
