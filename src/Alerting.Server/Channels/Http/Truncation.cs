using System.Text;

namespace Alerting.Channels.Http;

/// <summary>
/// Alertmanager's notify.TruncateInRunes and notify.TruncateInBytes: a cut text ends with its marker "…".
/// A rune is a Unicode code point (an emoji counts one, not two UTF-16 units); bytes are UTF-8 bytes.
/// </summary>
internal static class Truncation
{
    public const string Marker = "…";

    /// <summary>At most <paramref name="n"/> runes; when cut, the last of them is the marker (none when n ≤ 3).</summary>
    public static (string Text, bool Truncated) TruncateInRunes(string s, int n)
    {
        // Most texts are short: no need to count runes when even the UTF-16 length fits.
        if (s.Length <= n || CountRunes(s) <= n)
        {
            return (s, false);
        }
        var keep = n <= 3 ? n : n - 1;
        var sb = new StringBuilder(s.Length);
        var count = 0;
        foreach (var rune in s.EnumerateRunes())
        {
            if (count++ == keep)
            {
                break;
            }
            sb.Append(rune.ToString());
        }
        return (n <= 3 ? sb.ToString() : sb.Append(Marker).ToString(), true);
    }

    /// <summary>
    /// At most <paramref name="n"/> UTF-8 bytes, never splitting a rune: the longest prefix that fits in n − 3
    /// bytes, then the marker (3 bytes); for n ≤ 3 the marker alone, or n dots.
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
        var sb = new StringBuilder();
        var bytes = 0;
        var runes = 0;
        foreach (var rune in s.EnumerateRunes())
        {
            // Go first takes n − 3 runes, then drops runes until the bytes fit: the same as this prefix.
            if (runes++ == target || bytes + rune.Utf8SequenceLength > target)
            {
                break;
            }
            bytes += rune.Utf8SequenceLength;
            sb.Append(rune.ToString());
        }
        return (sb.Append(Marker).ToString(), true);
    }

    private static int CountRunes(string s)
    {
        var count = 0;
        foreach (var _ in s.EnumerateRunes())
        {
            count++;
        }
        return count;
    }
}
