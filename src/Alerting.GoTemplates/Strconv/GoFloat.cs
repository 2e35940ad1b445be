using System.Globalization;
using System.Numerics;
using System.Text;

namespace Alerting.GoTemplates.Strconv;

/// <summary>Go's strconv.FormatFloat for float64: formats e, E, f, g, G, b, x and X.</summary>
internal static class GoFloat
{
    public static string Format(double v, char fmt, int prec)
    {
        if (double.IsNaN(v))
        {
            return "NaN";
        }
        if (double.IsInfinity(v))
        {
            return v > 0 ? "+Inf" : "-Inf";
        }
        var neg = double.IsNegative(v);
        var abs = Math.Abs(v);
        switch (fmt)
        {
            case 'b':
                return FormatBinary(abs, neg);
            case 'x' or 'X':
                return FormatHex(abs, neg, fmt, prec);
        }
        var shortest = prec < 0;
        Decimal digs;
        if (shortest)
        {
            digs = Shortest(abs);
            prec = fmt switch
            {
                'e' or 'E' => Math.Max(digs.Nd - 1, 0),
                'f' => Math.Max(digs.Nd - digs.Dp, 0),
                _ => digs.Nd,
            };
        }
        else
        {
            digs = Exact(abs);
            switch (fmt)
            {
                case 'e' or 'E':
                    digs = digs.Round(prec + 1);
                    break;
                case 'f':
                    digs = digs.Round(digs.Dp + prec);
                    break;
                case 'g' or 'G':
                    if (prec == 0)
                    {
                        prec = 1;
                    }
                    digs = digs.Round(prec);
                    break;
            }
        }
        var sb = new StringBuilder(24);
        switch (fmt)
        {
            case 'e' or 'E':
                FormatE(sb, neg, digs, prec, fmt);
                break;
            case 'f':
                FormatF(sb, neg, digs, prec);
                break;
            case 'g' or 'G':
                var eprec = prec;
                if (eprec > digs.Nd && digs.Nd >= digs.Dp)
                {
                    eprec = digs.Nd;
                }
                if (shortest)
                {
                    eprec = 6;
                }
                var exp = digs.Dp - 1;
                if (exp < -4 || exp >= eprec)
                {
                    if (prec > digs.Nd)
                    {
                        prec = digs.Nd;
                    }
                    FormatE(sb, neg, digs, prec - 1, fmt == 'g' ? 'e' : 'E');
                    break;
                }
                if (prec > digs.Dp)
                {
                    prec = digs.Nd;
                }
                FormatF(sb, neg, digs, Math.Max(prec - digs.Dp, 0));
                break;
            default:
                sb.Append('%').Append(fmt);
                break;
        }
        return sb.ToString();
    }

    private static void FormatE(StringBuilder sb, bool neg, Decimal d, int prec, char fmt)
    {
        if (neg)
        {
            sb.Append('-');
        }
        sb.Append(d.Nd != 0 ? d.Digits[0] : '0');
        if (prec > 0)
        {
            sb.Append('.');
            var i = 1;
            var m = Math.Min(d.Nd, prec + 1);
            if (i < m)
            {
                sb.Append(d.Digits, i, m - i);
                i = m;
            }
            for (; i <= prec; i++)
            {
                sb.Append('0');
            }
        }
        sb.Append(fmt);
        var exp = d.Nd == 0 ? 0 : d.Dp - 1;
        sb.Append(exp < 0 ? '-' : '+');
        exp = Math.Abs(exp);
        sb.Append(exp < 10 ? "0" + exp.ToString(CultureInfo.InvariantCulture) : exp.ToString(CultureInfo.InvariantCulture));
    }

    private static void FormatF(StringBuilder sb, bool neg, Decimal d, int prec)
    {
        if (neg)
        {
            sb.Append('-');
        }
        if (d.Dp > 0)
        {
            var m = Math.Min(d.Nd, d.Dp);
            sb.Append(d.Digits, 0, m);
            for (; m < d.Dp; m++)
            {
                sb.Append('0');
            }
        }
        else
        {
            sb.Append('0');
        }
        if (prec > 0)
        {
            sb.Append('.');
            for (var i = 1; i <= prec; i++)
            {
                var j = d.Dp + i - 1;
                sb.Append(j >= 0 && j < d.Nd ? d.Digits[j] : '0');
            }
        }
    }

    // %b: decimal mantissa, 'p', binary exponent, as Go prints it.
    private static string FormatBinary(double abs, bool neg)
    {
        var bits = BitConverter.DoubleToInt64Bits(abs);
        var exp = (int)((bits >> 52) & 0x7FF);
        var mant = bits & ((1L << 52) - 1);
        if (exp == 0)
        {
            exp++;
        }
        else
        {
            mant |= 1L << 52;
        }
        exp -= 1023 + 52;
        var e = exp.ToString(CultureInfo.InvariantCulture);
        return (neg ? "-" : "") + mant.ToString(CultureInfo.InvariantCulture) + "p" + (exp >= 0 ? "+" : "") + e;
    }

    // %x: -0x1.yyyyp±dd with shortest or given hex digits, as Go's fmtX.
    private static string FormatHex(double abs, bool neg, char fmt, int prec)
    {
        var bits = BitConverter.DoubleToInt64Bits(abs);
        var exp = (int)((bits >> 52) & 0x7FF);
        var mant = (ulong)(bits & ((1L << 52) - 1));
        if (exp == 0)
        {
            exp = 1 - 1023;
        }
        else
        {
            mant |= 1UL << 52;
            exp -= 1023;
        }
        if (mant == 0)
        {
            exp = 0;
        }
        // Normalise so the leading 1 sits at bit 60.
        mant <<= 60 - 52;
        while (mant != 0 && (mant & (1UL << 60)) == 0)
        {
            mant <<= 1;
            exp--;
        }
        if (prec >= 0 && prec < 15)
        {
            var shift = (uint)(prec * 4);
            var extra = (mant << (int)shift) & ((1UL << 60) - 1);
            mant >>= 60 - (int)shift;
            if ((extra | (mant & 1)) > (1UL << 59))
            {
                mant++;
            }
            mant <<= 60 - (int)shift;
            if ((mant & (1UL << 61)) != 0)
            {
                mant >>= 1;
                exp++;
            }
        }
        var hex = fmt == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
        var sb = new StringBuilder();
        if (neg)
        {
            sb.Append('-');
        }
        sb.Append('0').Append(fmt).Append((char)('0' + (int)((mant >> 60) & 1)));
        mant <<= 4;
        if (prec < 0 && mant != 0)
        {
            sb.Append('.');
            while (mant != 0)
            {
                sb.Append(hex[(int)((mant >> 60) & 15)]);
                mant <<= 4;
            }
        }
        else if (prec > 0)
        {
            sb.Append('.');
            for (var i = 0; i < prec; i++)
            {
                sb.Append(hex[(int)((mant >> 60) & 15)]);
                mant <<= 4;
            }
        }
        sb.Append(fmt == 'X' ? 'P' : 'p').Append(exp < 0 ? '-' : '+');
        exp = Math.Abs(exp);
        sb.Append(exp < 10 ? "0" + exp.ToString(CultureInfo.InvariantCulture) : exp.ToString(CultureInfo.InvariantCulture));
        return sb.ToString();
    }

    /// <summary>The shortest digits that read back as the same float64 (.NET's "R" is the shortest since .NET Core 3).</summary>
    private static Decimal Shortest(double abs)
    {
        if (abs == 0)
        {
            return new Decimal("", 0);
        }
        var s = abs.ToString("R", CultureInfo.InvariantCulture);
        var e = s.IndexOf('E', StringComparison.Ordinal);
        var exp10 = 0;
        var mantissa = s;
        if (e >= 0)
        {
            exp10 = int.Parse(s[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            mantissa = s[..e];
        }
        var point = mantissa.IndexOf('.', StringComparison.Ordinal);
        var intPart = point >= 0 ? mantissa[..point] : mantissa;
        var fracPart = point >= 0 ? mantissa[(point + 1)..] : "";
        var digits = (intPart + fracPart).TrimStart('0');
        var lead = (intPart + fracPart).Length - digits.Length;
        var dp = intPart.Length + exp10 - lead;
        return new Decimal(digits.TrimEnd('0'), dp);
    }

    /// <summary>The exact decimal expansion of a non-negative float64.</summary>
    private static Decimal Exact(double abs)
    {
        if (abs == 0)
        {
            return new Decimal("", 0);
        }
        var bits = BitConverter.DoubleToInt64Bits(abs);
        var exp = (int)((bits >> 52) & 0x7FF);
        var mant = bits & ((1L << 52) - 1);
        if (exp == 0)
        {
            exp = 1;
        }
        else
        {
            mant |= 1L << 52;
        }
        exp -= 1023 + 52;
        string digits;
        int dp;
        if (exp >= 0)
        {
            digits = (new BigInteger(mant) << exp).ToString(CultureInfo.InvariantCulture);
            dp = digits.Length;
        }
        else
        {
            digits = (new BigInteger(mant) * BigInteger.Pow(5, -exp)).ToString(CultureInfo.InvariantCulture);
            dp = digits.Length + exp;
        }
        return new Decimal(digits.TrimEnd('0'), dp);
    }

    /// <summary>Digits d1d2... meaning 0.d1d2... × 10^Dp, without trailing zeros.</summary>
    internal readonly record struct Decimal(string Digits, int Dp)
    {
        public int Nd => Digits.Length;

        /// <summary>Rounds to <paramref name="nd"/> digits, halfway cases to even, as Go's decimal.Round.</summary>
        public Decimal Round(int nd)
        {
            if (nd < 0 || nd >= Nd)
            {
                return this;
            }
            var up = Digits[nd] == '5' && nd + 1 == Nd
                ? nd > 0 && (Digits[nd - 1] - '0') % 2 == 1
                : Digits[nd] >= '5';
            if (!up)
            {
                var kept = Digits[..nd].TrimEnd('0');
                return new Decimal(kept, kept.Length == 0 ? 0 : Dp);
            }
            var chars = Digits[..nd].ToCharArray();
            var i = nd - 1;
            while (i >= 0 && chars[i] == '9')
            {
                i--;
            }
            if (i < 0)
            {
                return new Decimal("1", Dp + 1);
            }
            chars[i]++;
            return new Decimal(new string(chars, 0, i + 1), Dp);
        }
    }
}
