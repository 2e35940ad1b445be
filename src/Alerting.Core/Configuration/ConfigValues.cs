using System.Text.RegularExpressions;

namespace Alerting.Core.Configuration;

/// <summary>Reading steps shared by the sections of the file and by the host's channel readers, with Alertmanager's messages.</summary>
internal static partial class ConfigValues
{
    [GeneratedRegex(@"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*\z", RegexOptions.CultureInvariant)]
    private static partial Regex LanguageTag();

    /// <summary>A file path; Alertmanager's LoadFile joins relative ones with the config's folder.</summary>
    public static string? FilePath(this MapReader r, string key) => r.Context.ResolvePath(r.String(key));

    /// <summary>
    /// One of our own secrets: <paramref name="key"/> inline or the trimmed text of <c>key_file</c>, never both.
    /// The file is read now, so a changed file applies at the next reload; one that cannot be read fails the load.
    /// </summary>
    public static string? SecretOrFile(this MapReader r, string key)
    {
        var fileKey = key + "_file";
        var inline = r.String(key);
        var path = r.FilePath(fileKey);
        if (path is null)
        {
            return inline;
        }
        if (inline is not null)
        {
            r.Error(fileKey, $"at most one of {key} & {fileKey} must be configured");
            return inline;
        }
        return ReadSecretFile(r, fileKey, path);
    }

    /// <summary>A list of secrets, inline under <paramref name="key"/> or one file each under <paramref name="filesKey"/>, never both.</summary>
    public static IReadOnlyList<string>? SecretListOrFiles(this MapReader r, string key, string filesKey)
    {
        var inline = r.StringList(key);
        var paths = r.StringList(filesKey);
        if (paths is null)
        {
            return inline;
        }
        if (inline is not null)
        {
            r.Error(filesKey, $"at most one of {key} & {filesKey} must be configured");
            return inline;
        }
        return [.. paths.Select(p => ReadSecretFile(r, filesKey, r.Context.ResolvePath(p) ?? p)).OfType<string>()];
    }

    private static string? ReadSecretFile(MapReader r, string fileKey, string path)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            // The reason without the content: the path is what the operator needs.
            var reason = e is FileNotFoundException or DirectoryNotFoundException ? "no such file" : e.GetType().Name;
            r.Error(fileKey, $"cannot read secret file {path}: {reason}");
            return null;
        }
    }

    public static void AtMostOne(this MapReader r, string a, string b)
    {
        if (r.Has(a) && r.Has(b))
        {
            r.Error(b, $"at most one of {a} & {b} must be configured");
        }
    }

    public static void UrlOrFile(this MapReader r)
    {
        var hasUrl = r.Has("url");
        var hasFile = r.Has("url_file");
        if (!hasUrl && !hasFile)
        {
            r.Error("one of url or url_file must be configured");
        }
        else if (hasUrl && hasFile)
        {
            r.Error("url_file", "at most one of url & url_file must be configured");
        }
    }

    public static TimeSpan? PositiveDuration(this MapReader r, string key)
    {
        var d = r.Duration(key);
        if (d is { } value && value <= TimeSpan.Zero)
        {
            r.Error(key, $"{key} must be greater than zero");
            return null;
        }
        return d;
    }

    /// <summary>Our extension: a language tag such as en or zh-CN.</summary>
    public static string? Language(this MapReader r, string key)
    {
        var language = r.String(key);
        if (language is not null && !LanguageTag().IsMatch(language))
        {
            r.Error(key, $"invalid language tag \"{language}\" (want e.g. en or zh-CN)");
        }
        return language;
    }

    /// <summary>A <c>host:port</c> as Go's net.SplitHostPort accepts it, with Alertmanager's non-empty port.</summary>
    public static string? HostPort(this MapReader r, string key)
    {
        var value = r.String(key);
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }
        string port;
        if (value.StartsWith('['))
        {
            var close = value.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                r.Error(key, $"address {value}: missing ']' in address");
                return null;
            }
            if (close + 1 >= value.Length || value[close + 1] != ':')
            {
                r.Error(key, $"address {value}: missing port in address");
                return null;
            }
            port = value[(close + 2)..];
        }
        else
        {
            var colon = value.LastIndexOf(':');
            if (colon < 0)
            {
                r.Error(key, $"address {value}: missing port in address");
                return null;
            }
            port = value[(colon + 1)..];
            if (value[..colon].Contains(':', StringComparison.Ordinal))
            {
                r.Error(key, $"address {value}: too many colons in address");
                return null;
            }
        }
        if (port.Length == 0)
        {
            r.Error(key, $"address \"{value}\": port cannot be empty");
            return null;
        }
        return value;
    }
}
