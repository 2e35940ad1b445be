using System.Globalization;
using System.Numerics;

namespace Alerting.GoTemplates.Strconv;

/// <summary>Go's strconv.ParseUint, ParseInt (base 0: prefixes and underscores) and ParseFloat.</summary>
internal static class GoParse
{
    public static bool TryParseUint(string s, out ulong value)
    {
        value = 0;
        if (s.Length == 0)
        {
            return false;
        }
        var baseN = 10;
        var digits = s;
        if (s[0] == '0')
        {
            if (s.Length >= 3 && (s[1] | 0x20) == 'x')
            {
                baseN = 16;
                digits = s[2..];
            }
            else if (s.Length >= 3 && (s[1] | 0x20) == 'b')
            {
                baseN = 2;
                digits = s[2..];
            }
            else if (s.Length >= 3 && (s[1] | 0x20) == 'o')
            {
                baseN = 8;
                digits = s[2..];
            }
            else
            {
                baseN = 8;
                digits = s[1..];
            }
        }
        var underscores = false;
        ulong n = 0;
        foreach (var c in digits)
        {
            if (c == '_')
            {
                underscores = true;
                continue;
            }
            var d = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'a' and <= 'z' => c - 'a' + 10,
                >= 'A' and <= 'Z' => c - 'A' + 10,
                _ => 99,
            };
            if (d >= baseN)
            {
                return false;
            }
            var next = n * (ulong)baseN + (ulong)d;
            if (n > ulong.MaxValue / (ulong)baseN || next < n * (ulong)baseN)
            {
                return false;
            }
            n = next;
        }
        if (underscores && !UnderscoreOk(s))
        {
            return false;
        }
        value = n;
        return true;
    }

    public static bool TryParseInt(string s, out long value)
    {
        value = 0;
        if (s.Length == 0)
        {
            return false;
        }
        var neg = false;
        var body = s;
        if (s[0] is '+' or '-')
        {
            neg = s[0] == '-';
            body = s[1..];
        }
        if (!TryParseUint(body, out var u))
        {
            return false;
        }
        if (neg)
        {
            if (u > (ulong)long.MaxValue + 1)
            {
                return false;
            }
            value = u == (ulong)long.MaxValue + 1 ? long.MinValue : -(long)u;
            return true;
        }
        if (u > long.MaxValue)
        {
            return false;
        }
        value = (long)u;
        return true;
    }

    /// <summary>Go's underscoreOK: underscores only between digits or after a base prefix.</summary>
    public static bool UnderscoreOk(string s)
    {
        var saw = '^';
        var i = 0;
        if (s.Length >= 1 && s[0] is '-' or '+')
        {
            s = s[1..];
        }
        var hex = false;
        if (s.Length >= 2 && s[0] == '0' && (s[1] | 0x20) is 'b' or 'o' or 'x')
        {
            i = 2;
            saw = '0';
            hex = (s[1] | 0x20) == 'x';
        }
        for (; i < s.Length; i++)
        {
            var c = s[i];
            if (c is >= '0' and <= '9' || hex && (c | 0x20) is >= 'a' and <= 'f')
            {
                saw = '0';
                continue;
            }
            if (c == '_')
            {
                if (saw != '0')
                {
                    return false;
                }
                saw = '_';
                continue;
            }
            if (saw == '_')
            {
                return false;
            }
            saw = '!';
        }
        return saw != '_';
    }

    /// <summary>Go's ParseFloat(s, 64); false on a syntax error or when the value is out of range.</summary>
    public static bool TryParseFloat(string s, out double value)
    {
        value = 0;
        if (s.Length == 0)
        {
            return false;
        }
        var body = s;
        var neg = false;
        if (body[0] is '+' or '-')
        {
            neg = body[0] == '-';
            body = body[1..];
        }
        var lower = body.ToLowerInvariant();
        if (lower is "inf" or "infinity")
        {
            value = neg ? double.NegativeInfinity : double.PositiveInfinity;
            return true;
        }
        if (lower == "nan")
        {
            value = double.NaN;
            return true;
        }
        if (body.Contains('_', StringComparison.Ordinal))
        {
            if (!UnderscoreOk(s))
            {
                return false;
            }
            body = body.Replace("_", "", StringComparison.Ordinal);
        }
        double v;
        if (body.Length > 2 && body[0] == '0' && (body[1] | 0x20) == 'x')
        {
            if (!TryParseHexFloat(body[2..], out v))
            {
                return false;
            }
        }
        else
        {
            if (!IsDecimalFloat(body) || !double.TryParse(body, NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out v))
            {
                return false;
            }
        }
        if (double.IsInfinity(v))
        {
            return false;
        }
        value = neg ? -v : v;
        return true;
    }

    private static bool IsDecimalFloat(string s)
    {
        var i = 0;
        var digits = 0;
        while (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            i++;
            digits++;
        }
        if (i < s.Length && s[i] == '.')
        {
            i++;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
                digits++;
            }
        }
        if (digits == 0)
        {
            return false;
        }
        if (i < s.Length && (s[i] | 0x20) == 'e')
        {
            i++;
            if (i < s.Length && s[i] is '+' or '-')
            {
                i++;
            }
            var exp = 0;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
                exp++;
            }
            if (exp == 0)
            {
                return false;
            }
        }
        return i == s.Length;
    }

    // A hex float needs its p exponent, as in Go.
    private static bool TryParseHexFloat(string s, out double value)
    {
        value = 0;
        var p = s.IndexOfAny(['p', 'P']);
        if (p < 0)
        {
            return false;
        }
        var mantissa = s[..p];
        var expText = s[(p + 1)..];
        if (!int.TryParse(expText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var exp))
        {
            return false;
        }
        BigInteger m = 0;
        var fracDigits = 0;
        var seenPoint = false;
        var digits = 0;
        foreach (var c in mantissa)
        {
            if (c == '.')
            {
                if (seenPoint)
                {
                    return false;
                }
                seenPoint = true;
                continue;
            }
            var d = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'a' and <= 'f' => c - 'a' + 10,
                >= 'A' and <= 'F' => c - 'A' + 10,
                _ => -1,
            };
            if (d < 0)
            {
                return false;
            }
            m = (m << 4) + d;
            digits++;
            if (seenPoint)
            {
                fracDigits++;
            }
        }
        if (digits == 0)
        {
            return false;
        }
        value = Math.ScaleB((double)m, exp - (4 * fracDigits));
        return true;
    }
}
