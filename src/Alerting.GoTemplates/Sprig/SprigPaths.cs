using Alerting.GoTemplates.Values;

namespace Alerting.GoTemplates.Sprig;

/// <summary>sprig's path functions: Go's path package, lexical only (no file system); the os* forms are the same on Linux.</summary>
internal static class SprigPaths
{
    private static readonly GoType S = GoTypes.String;

    public static IEnumerable<GoFunc> Functions()
    {
        (string Name, Func<string, object> F)[] functions =
        [
            ("base", Base), ("dir", Dir), ("clean", Clean), ("ext", Ext), ("isAbs", p => p.StartsWith('/')),
        ];
        foreach (var (name, f) in functions)
        {
            yield return new(name, GoSignature.Of(S), a => f((string)a[0]!));
            yield return new("os" + char.ToUpperInvariant(name[0]) + name[1..], GoSignature.Of(S), a => f((string)a[0]!));
        }
    }

    internal static string Base(string p)
    {
        if (p.Length == 0)
        {
            return ".";
        }
        p = p.TrimEnd('/');
        if (p.Length == 0)
        {
            return "/";
        }
        var i = p.LastIndexOf('/');
        return i >= 0 ? p[(i + 1)..] : p;
    }

    internal static string Dir(string p)
    {
        var i = p.LastIndexOf('/');
        return Clean(p[..(i + 1)]);
    }

    internal static string Ext(string p)
    {
        for (var i = p.Length - 1; i >= 0 && p[i] != '/'; i--)
        {
            if (p[i] == '.')
            {
                return p[i..];
            }
        }
        return "";
    }

    /// <summary>path.Clean: one slash between names, no ".", ".." resolved lexically.</summary>
    internal static string Clean(string p)
    {
        if (p.Length == 0)
        {
            return ".";
        }
        var rooted = p[0] == '/';
        var parts = new List<string>();
        foreach (var part in p.Split('/'))
        {
            if (part is "" or ".")
            {
                continue;
            }
            if (part == "..")
            {
                if (parts.Count > 0 && parts[^1] != "..")
                {
                    parts.RemoveAt(parts.Count - 1);
                }
                else if (!rooted)
                {
                    parts.Add("..");
                }
                continue;
            }
            parts.Add(part);
        }
        var joined = string.Join('/', parts);
        return rooted ? "/" + joined : joined.Length == 0 ? "." : joined;
    }
}
