using System.Text;

namespace Alerting.Core.Labels;

/// <summary>
/// One string for text that repeats across alerts (label names, values such as a severity, a job or a group, generator
/// URLs): a read of all active alerts otherwise makes a new string of each, 20k alerts every few seconds. A fixed table
/// where each slot keeps the last text that hashed to it: bounded, without locks, and text that recurs stays in it
/// while text seen once (an id) only replaces a slot now and then.
/// </summary>
public static class SharedStrings
{
    private const int Slots = 1 << 14;

    /// <summary>Longer text (in chars; from UTF-8, in bytes) is made afresh: it rarely repeats, and it is copied through the stack.</summary>
    public const int MaxLength = 512;

    private static readonly string?[] Table = new string?[Slots];

    public static string Get(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return "";
        }
        if (text.Length > MaxLength)
        {
            return new string(text);
        }
        ref var slot = ref Table[string.GetHashCode(text) & (Slots - 1)];
        var known = Volatile.Read(ref slot);
        if (known is not null && text.SequenceEqual(known))
        {
            return known;
        }
        var made = new string(text);
        Volatile.Write(ref slot, made);
        return made;
    }

    /// <summary>As <see cref="Get(ReadOnlySpan{char})"/>, from UTF-8 (invalid bytes become U+FFFD, as Encoding.UTF8 does).</summary>
    public static string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxLength)
        {
            return Encoding.UTF8.GetString(utf8);
        }
        // UTF-8 never decodes to more chars than it has bytes.
        Span<char> chars = stackalloc char[utf8.Length];
        return Get(chars[..Encoding.UTF8.GetChars(utf8, chars)]);
    }
}
