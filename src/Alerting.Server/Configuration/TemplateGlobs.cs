using System.Text;
using System.Text.RegularExpressions;

namespace Alerting.Configuration;

/// <summary>The config's <c>templates:</c> globs, expanded as Alertmanager expands them.</summary>
internal static class TemplateGlobs
{
    /// <summary>
    /// Go's filepath.Glob, as Alertmanager expands <c>templates:</c>: <c>*</c>, <c>?</c> and <c>[...]</c>
    /// within one path element, results sorted. A pattern without them is the file itself, if it exists.
    /// </summary>
    public static IReadOnlyList<string> Expand(string pattern)
    {
        if (!HasMeta(pattern))
        {
            return File.Exists(pattern) ? [pattern] : [];
        }
        var rooted = Path.IsPathRooted(pattern);
        var parts = pattern.Split('/', StringSplitOptions.RemoveEmptyEntries);
        IEnumerable<string> current = [rooted ? "/" : "."];
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            var last = i == parts.Length - 1;
            if (!HasMeta(part))
            {
                current = current.Select(dir => Path.Join(dir, part));
                continue;
            }
            var regex = ToRegex(part);
            current = current.SelectMany(dir =>
            {
                if (!Directory.Exists(dir))
                {
                    return [];
                }
                var entries = last ? Directory.EnumerateFiles(dir) : Directory.EnumerateDirectories(dir);
                return entries.Where(e => regex.IsMatch(Path.GetFileName(e))).Order(StringComparer.Ordinal);
            });
        }
        return [.. current.Where(File.Exists).Select(p => rooted ? p : Path.GetRelativePath(".", p))];
    }

    private static bool HasMeta(string s) => s.AsSpan().IndexOfAny("*?[") >= 0;

    private static Regex ToRegex(string glob)
    {
        var sb = new StringBuilder("^");
        for (var i = 0; i < glob.Length; i++)
        {
            var c = glob[i];
            switch (c)
            {
                case '*':
                    sb.Append(".*");
                    break;
                case '?':
                    sb.Append('.');
                    break;
                case '[':
                    var close = glob.IndexOf(']', i + 1);
                    if (close < 0)
                    {
                        sb.Append(@"\[");
                        break;
                    }
                    var set = glob[(i + 1)..close];
                    sb.Append('[').Append(set.StartsWith('^') ? "^" + Regex.Escape(set[1..]) : Regex.Escape(set)).Append(']');
                    i = close;
                    break;
                case '\\' when i + 1 < glob.Length:
                    sb.Append(Regex.Escape(glob[++i].ToString()));
                    break;
                default:
                    sb.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }
        return new Regex(sb.Append('$').ToString(), RegexOptions.CultureInvariant | RegexOptions.Singleline, TimeSpan.FromSeconds(1));
    }
}
