using System.Text;

namespace Alerting.Channels.Http;

/// <summary>Alertmanager's notify.TruncateInRunes and TruncateInBytes, with its marker "…".</summary>
internal static class Truncation
{
    public const string Marker = "…";

    /// <summary>At most <paramref name="n"/> runes (Unicode scalar values, as Go's []rune counts); the last one the marker.</summary>
    public static (string Text, bool Truncated) TruncateInRunes(string s, int n)
    {
        // Fast path: never more runes than UTF-16 units.
        if (s.Length <= n)
        {
            return (s, false);
        }
        var runes = new List<Rune>(s.Length);
        foreach (var rune in s.EnumerateRunes())
        {
            runes.Add(rune);
        }
        if (runes.Count <= n)
        {
            return (s, false);
        }
        return n <= 3 ? (Join(runes, n), true) : (Join(runes, n - 1) + Marker, true);
    }

    /// <summary>At most <paramref name="n"/> UTF-8 bytes, cut at a rune boundary; the marker takes three of them.</summary>
    public static (string Text, bool Truncated) TruncateInBytes(string s, int n)
    {
        if (Encoding.UTF8.GetByteCount(s) <= n)
        {
            return (s, false);
        }
        if (n <= 3)
        {
            return (n == 3 ? Marker : new string('.', Math.Max(n, 0)), true);
        }
        var budget = n - 3;
        var sb = new StringBuilder();
        var used = 0;
        foreach (var rune in s.EnumerateRunes())
        {
            if (used + rune.Utf8SequenceLength > budget)
            {
                break;
            }
            used += rune.Utf8SequenceLength;
            sb.Append(rune.ToString());
        }
        return (sb.Append(Marker).ToString(), true);
    }

    private static string Join(List<Rune> runes, int count)
    {
        var sb = new StringBuilder(count + 1);
        for (var i = 0; i < count; i++)
        {
            sb.Append(runes[i].ToString());
        }
        return sb.ToString();
    }
}
