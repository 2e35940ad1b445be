using System.Text;

namespace Alerting.Core.Labels;

/// <summary>
/// Orders strings by their UTF-8 bytes, as Go's string comparison does. Ordinal UTF-16 order
/// differs for characters above U+FFFF against U+E000..U+FFFF, which would change fingerprints.
/// </summary>
public sealed class Utf8Comparer : IComparer<string>
{
    public static readonly Utf8Comparer Instance = new();

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }
        if (x is null)
        {
            return -1;
        }
        if (y is null)
        {
            return 1;
        }
        var i = 0;
        for (; i < x.Length && i < y.Length; i++)
        {
            var a = x[i];
            var b = y[i];
            if (a == b)
            {
                continue;
            }
            // Below the surrogate range both orders agree; only then is a char compare exact.
            if (!char.IsSurrogate(a) && !char.IsSurrogate(b) && a < 0xE000 && b < 0xE000)
            {
                return a.CompareTo(b);
            }
            var bx = Encoding.UTF8.GetBytes(x[i..]);
            var by = Encoding.UTF8.GetBytes(y[i..]);
            return ((ReadOnlySpan<byte>)bx).SequenceCompareTo(by);
        }
        return x.Length.CompareTo(y.Length);
    }
}
