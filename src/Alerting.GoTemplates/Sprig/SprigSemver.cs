using System.Globalization;
using System.Text.RegularExpressions;
using Alerting.GoTemplates.Values;

namespace Alerting.GoTemplates.Sprig;

/// <summary>sprig's semver and semverCompare (Masterminds/semver v3): versions, comparisons, ~ ^ ranges, x wildcards, hyphen ranges, || and ,.</summary>
internal static partial class SprigSemver
{
    public static readonly GoType VersionType = new GoType("*semver.Version", GoKind.Pointer, named: false)
        .Method("Major", GoSignature.Of(), (r, _) => (ulong)((Version)r).Major)
        .Method("Minor", GoSignature.Of(), (r, _) => (ulong)((Version)r).Minor)
        .Method("Patch", GoSignature.Of(), (r, _) => (ulong)((Version)r).Patch)
        .Method("Prerelease", GoSignature.Of(), (r, _) => ((Version)r).Pre)
        .Method("Metadata", GoSignature.Of(), (r, _) => ((Version)r).Meta)
        .Method("Original", GoSignature.Of(), (r, _) => ((Version)r).Original)
        .Method("String", GoSignature.Of(), (r, _) => ((Version)r).ToString())
        .Method("Compare", GoSignature.Of(new GoType("*semver.Version", GoKind.Pointer, named: false)), (r, a) => (long)((Version)r).CompareTo((Version)a[0]!));

    public static IEnumerable<GoFunc> Functions() =>
    [
        new("semver", GoSignature.WithError(GoTypes.String), a => Parse((string)a[0]!) ?? throw new GoCallException("Invalid Semantic Version")),
        new("semverCompare", GoSignature.WithError(GoTypes.String, GoTypes.String), a => Compare((string)a[0]!, (string)a[1]!)),
    ];

    [GeneratedRegex(@"^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?$", RegexOptions.CultureInvariant)]
    private static partial Regex VersionPattern();

    [GeneratedRegex(@"^\s*(!=|>=|=>|<=|=<|~>|>|<|=|~|\^)?\s*(v?[0-9xX*]+(\.[0-9xX*]+)?(\.[0-9xX*]+)?(-[0-9A-Za-z\-.]+)?(\+[0-9A-Za-z\-.]+)?)\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex ConstraintPattern();

    internal static Version? Parse(string s)
    {
        var m = VersionPattern().Match(s);
        if (!m.Success)
        {
            return null;
        }
        static ulong Part(Group g) => g.Success ? ulong.Parse(g.Value.TrimStart('.'), CultureInfo.InvariantCulture) : 0;
        try
        {
            return new Version(Part(m.Groups[1]), Part(m.Groups[2]), Part(m.Groups[3]), m.Groups[5].Value, m.Groups[8].Value, s);
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    private static bool Compare(string constraint, string version)
    {
        var v = Parse(version) ?? throw new GoCallException("Invalid Semantic Version");
        var any = false;
        foreach (var alternative in constraint.Split("||"))
        {
            var parts = Regex.Replace(alternative.Trim(), @"\s+-\s+", " - ", RegexOptions.None, TimeSpan.FromSeconds(1));
            var all = true;
            foreach (var c in Expand(parts, constraint))
            {
                all &= Check(c, v, constraint);
            }
            any |= all;
        }
        return any;
    }

    /// <summary>A conjunction's comparisons: split at commas and spaces, "A - B" as ">= A" and "<= B".</summary>
    private static IEnumerable<string> Expand(string conjunction, string whole)
    {
        var tokens = conjunction.Replace(",", " ", StringComparison.Ordinal).Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        for (var i = 0; i < tokens.Count; i++)
        {
            if (i + 2 < tokens.Count && tokens[i + 1] == "-")
            {
                yield return ">=" + tokens[i];
                yield return "<=" + tokens[i + 2];
                i += 2;
            }
            else if (tokens[i] is "!=" or ">=" or "=>" or "<=" or "=<" or "~>" or ">" or "<" or "=" or "~" or "^" && i + 1 < tokens.Count)
            {
                yield return tokens[i] + tokens[++i];
            }
            else
            {
                yield return tokens[i];
            }
        }
        if (tokens.Count == 0)
        {
            throw new GoCallException("improper constraint: " + whole);
        }
    }

    private static bool Check(string comparison, Version v, string whole)
    {
        var m = ConstraintPattern().Match(comparison);
        if (!m.Success)
        {
            throw new GoCallException("improper constraint: " + whole);
        }
        var op = m.Groups[1].Value;
        var text = m.Groups[2].Value.TrimStart('v');
        var fields = text.Split('-', '+')[0].Split('.');
        bool Wild(int i) => i >= fields.Length || fields[i] is "x" or "X" or "*";
        var c = Parse(string.Join('.', fields.Select(f => f is "x" or "X" or "*" ? "0" : f)) + text[text.Split('-', '+')[0].Length..])!;
        // A prerelease version satisfies only a constraint that has a prerelease (semver v3).
        if (v.Pre.Length > 0 && c.Pre.Length == 0)
        {
            return false;
        }
        var minorWild = Wild(1);
        var patchWild = Wild(2);
        var cmp = v.CompareTo(c);
        bool Within() => v.Major == c.Major && (minorWild || v.Minor == c.Minor) && (patchWild || minorWild || v.Patch == c.Patch);
        return op switch
        {
            "" or "=" => Wild(0) || (minorWild || patchWild ? Within() : cmp == 0),
            "!=" => !(minorWild || patchWild ? Within() : cmp == 0),
            ">" => minorWild ? v.Major > c.Major : patchWild ? v.Major > c.Major || (v.Major == c.Major && v.Minor > c.Minor) : cmp > 0,
            ">=" or "=>" => cmp >= 0,
            "<" => cmp < 0,
            "<=" or "=<" => minorWild ? v.Major <= c.Major : patchWild ? v.Major < c.Major || (v.Major == c.Major && v.Minor <= c.Minor) : cmp <= 0,
            "~" or "~>" => cmp >= 0 && v.Major == c.Major && (minorWild || v.Minor == c.Minor),
            "^" => cmp >= 0 && (c.Major > 0 || minorWild ? v.Major == c.Major
                : c.Minor > 0 || patchWild ? v.Major == 0 && v.Minor == c.Minor
                : v.Major == 0 && v.Minor == 0 && v.Patch == c.Patch),
            _ => throw new GoCallException("improper constraint: " + whole),
        };
    }

    /// <summary>A parsed version; Go's *semver.Version.</summary>
    internal sealed class Version(ulong major, ulong minor, ulong patch, string pre, string meta, string original) : GoValue, IComparable<Version>
    {
        public ulong Major { get; } = major;

        public ulong Minor { get; } = minor;

        public ulong Patch { get; } = patch;

        public string Pre { get; } = pre;

        public string Meta { get; } = meta;

        public string Original { get; } = original;

        public override GoType Type => VersionType;

        public override string ToString() =>
            $"{Major}.{Minor}.{Patch}" + (Pre.Length > 0 ? "-" + Pre : "") + (Meta.Length > 0 ? "+" + Meta : "");

        /// <summary>SemVer 2 precedence: numbers, then a release above its prereleases, identifiers compared part by part.</summary>
        public int CompareTo(Version? other)
        {
            if (other is null)
            {
                return 1;
            }
            var c = Major.CompareTo(other.Major);
            c = c != 0 ? c : Minor.CompareTo(other.Minor);
            c = c != 0 ? c : Patch.CompareTo(other.Patch);
            if (c != 0 || Pre == other.Pre)
            {
                return Math.Sign(c);
            }
            if (Pre.Length == 0 || other.Pre.Length == 0)
            {
                return Pre.Length == 0 ? 1 : -1;
            }
            var a = Pre.Split('.');
            var b = other.Pre.Split('.');
            for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
            {
                var an = ulong.TryParse(a[i], CultureInfo.InvariantCulture, out var x);
                var bn = ulong.TryParse(b[i], CultureInfo.InvariantCulture, out var y);
                var r = an && bn ? x.CompareTo(y) : an ? -1 : bn ? 1 : string.CompareOrdinal(a[i], b[i]);
                if (r != 0)
                {
                    return Math.Sign(r);
                }
            }
            return a.Length.CompareTo(b.Length);
        }

        public override bool Equals(object? obj) => obj is Version v && v.Original == Original;

        public override int GetHashCode() => Original.GetHashCode(StringComparison.Ordinal);
    }
}
