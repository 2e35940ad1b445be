namespace Alerting.Channels;

/// <summary>
/// The last resort for a message still too long after whole alerts were dropped (a long description, a
/// custom template): keep whole lines, so markup is never cut mid-line, and say that the rest was cut.
/// </summary>
internal static class LineCut
{
    /// <summary>The marker that ends a cut message, on its own paragraph, in the message's language.</summary>
    public static string Marker(string language) =>
        language.StartsWith("zh", StringComparison.OrdinalIgnoreCase) ? "\n\n…（消息过长，已截断）" : "\n\n… (message too long, cut here)";

    /// <summary>
    /// <paramref name="text"/> when it <paramref name="fits"/>; else its longest run of leading whole lines
    /// followed by <paramref name="marker"/> that fits. When not even the first line fits, that line is cut
    /// at a character (never inside a surrogate pair). Empty when nothing fits. <paramref name="fits"/> must
    /// be monotonic: a shorter text never fits worse.
    /// </summary>
    public static string Cut(string text, string marker, Func<string, bool> fits)
    {
        if (fits(text))
        {
            return text;
        }
        var lines = text.Split('\n');
        string Lines(int count) => string.Join('\n', lines, 0, count).TrimEnd() + marker;
        var keep = Largest(lines.Length - 1, k => fits(Lines(k)));
        if (keep > 0)
        {
            return Lines(keep);
        }
        var first = lines[0];
        string Chars(int count)
        {
            if (count > 0 && count < first.Length && char.IsHighSurrogate(first[count - 1]))
            {
                count--;
            }
            return first[..count].TrimEnd() + marker;
        }
        var chars = Largest(first.Length, n => fits(Chars(n)));
        return chars > 0 || fits(Chars(0)) ? Chars(chars) : "";
    }

    /// <summary>The largest n in [1, max] for which <paramref name="ok"/> holds, or 0; ok must hold for every n below one that holds.</summary>
    private static int Largest(int max, Func<int, bool> ok)
    {
        int low = 0, high = max;
        while (low < high)
        {
            var mid = low + ((high - low + 1) / 2);
            if (ok(mid))
            {
                low = mid;
            }
            else
            {
                high = mid - 1;
            }
        }
        return low;
    }
}
