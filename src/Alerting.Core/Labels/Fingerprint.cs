using System.Globalization;
using System.Text;

namespace Alerting.Core.Labels;

/// <summary>Prometheus' label-set fingerprint (model.labelSetToFingerprint), byte for byte.</summary>
public static class Fingerprint
{
    private const ulong Offset64 = 14695981039346656037UL;
    private const ulong Prime64 = 1099511628211UL;
    private const byte Separator = 0xFF;

    internal static ulong Of(ReadOnlySpan<KeyValuePair<string, string>> sortedPairs)
    {
        var hash = Offset64;
        Span<byte> buffer = stackalloc byte[256];
        foreach (var (name, value) in sortedPairs)
        {
            hash = Add(hash, name, buffer);
            hash = (hash ^ Separator) * Prime64;
            hash = Add(hash, value, buffer);
            hash = (hash ^ Separator) * Prime64;
        }
        return hash;
    }

    private static ulong Add(ulong hash, string s, Span<byte> buffer)
    {
        var max = Encoding.UTF8.GetMaxByteCount(s.Length);
        var bytes = max <= buffer.Length ? buffer : new byte[max];
        var n = Encoding.UTF8.GetBytes(s, bytes);
        foreach (var b in bytes[..n])
        {
            hash = (hash ^ b) * Prime64;
        }
        return hash;
    }

    public static string Format(ulong fingerprint) => fingerprint.ToString("x16", CultureInfo.InvariantCulture);

    public static bool TryParse(string s, out ulong fingerprint) =>
        ulong.TryParse(s, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out fingerprint) && s.Length == 16;
}
