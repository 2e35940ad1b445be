using System.Text;

namespace Alerting.Channels.Http;

/// <summary>
/// Alertmanager's notify.TruncateInRunes and TruncateInBytes: the limits receivers document, counted as they
/// count them (a rune is a Unicode code point, so an emoji counts one), marked with "…".
/// </summary>
internal static class Truncation
{
    public const string Marker = "…";

    /// <summary>At most <paramref name="n"/> runes; a cut text ends with the marker (n &gt; 3) and the flag says it was cut.</summary>
    public static (string Text, bool Truncated) TruncateInRunes(string s, int n)
    {
        // Cheap exits: UTF-16 length bounds the rune count from above.
        if (s.Length <= n)
        {
            return (s, false);
        }
        var runes = Runes(s);
        if (runes.Count <= n)
        {
            return (s, false);
        }
        return n <= 3 ? (Join(runes, n), true) : (Join(runes, n - 1) + Marker, true);
    }

    /// <summary>
    /// At most <paramref name="n"/> UTF-8 bytes, never splitting a rune; the 3-byte marker counts within the limit,
    /// and below 4 bytes the result is the marker alone (3) or dots.
    /// </summary>
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
        var target = n - 3;
        var sb = new StringBuilder(target);
        var bytes = 0;
        foreach (var rune in s.EnumerateRunes())
        {
            if (bytes + rune.Utf8SequenceLength > target)
            {
                break;
            }
            bytes += rune.Utf8SequenceLength;
            sb.Append(rune.ToString());
        }
        return (sb.Append(Marker).ToString(), true);
    }

    /// <summary>The number of runes, as Go's utf8.RuneCountInString (a lone surrogate counts one, as U+FFFD).</summary>
    public static int RuneCount(string s)
    {
        var count = 0;
        foreach (var _ in s.EnumerateRunes())
        {
            count++;
        }
        return count;
    }

    private static List<Rune> Runes(string s)
    {
        var runes = new List<Rune>(s.Length);
        foreach (var rune in s.EnumerateRunes())
        {
            runes.Add(rune);
        }
        return runes;
    }

    private static string Join(List<Rune> runes, int count)
    {
        var sb = new StringBuilder(count + 8);
        for (var i = 0; i < count; i++)
        {
            sb.Append(runes[i].ToString());
        }
        return sb.ToString();
    }
}
