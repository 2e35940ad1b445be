using System.Text;
using Alerting.GoTemplates.Strconv;

namespace Alerting.GoTemplates.Formatting;

/// <summary>Go's fmt.fmt: flags, width and precision, and the primitive formatters that honour them.</summary>
internal sealed partial class FmtState(StringBuilder buf)
{
    private const string LowerDigits = "0123456789abcdefx";
    private const string UpperDigits = "0123456789ABCDEFX";

    public StringBuilder Buf { get; } = buf;

    public bool Sharp { get; set; }

    public bool Zero { get; set; }

    public bool Plus { get; set; }

    public bool Minus { get; set; }

    public bool Space { get; set; }

    public bool SharpV { get; set; }

    public bool PlusV { get; set; }

    public bool WidPresent { get; set; }

    public bool PrecPresent { get; set; }

    public int Wid { get; set; }

    public int Prec { get; set; }

    public void ClearFlags()
    {
        Sharp = Zero = Plus = Minus = Space = SharpV = PlusV = WidPresent = PrecPresent = false;
        Wid = Prec = 0;
    }

    public void WritePadding(int n)
    {
        if (n > 0)
        {
            Buf.Append(Zero ? '0' : ' ', n);
        }
    }

    public void Pad(string s)
    {
        if (!WidPresent || Wid == 0)
        {
            Buf.Append(s);
            return;
        }
        var width = Wid - GoQuote.RuneCount(s);
        if (!Minus)
        {
            WritePadding(width);
            Buf.Append(s);
        }
        else
        {
            Buf.Append(s);
            WritePadding(width);
        }
    }

    public void FmtBoolean(bool v) => Pad(v ? "true" : "false");

    public void FmtS(string s) => Pad(Truncate(s));

    private string Truncate(string s)
    {
        if (!PrecPresent)
        {
            return s;
        }
        var n = Prec;
        for (var i = 0; i < s.Length; i += GoQuote.RuneAt(s, i).Width)
        {
            n--;
            if (n < 0)
            {
                return s[..i];
            }
        }
        return s;
    }

    /// <summary>%x and %X of a string: the hex of its UTF-8 bytes.</summary>
    public void FmtSx(string s, bool upper)
    {
        var digits = upper ? UpperDigits : LowerDigits;
        var bytes = Encoding.UTF8.GetBytes(s);
        var length = bytes.Length;
        if (PrecPresent && Prec < length)
        {
            length = Prec;
        }
        var width = 2 * length;
        if (width > 0)
        {
            if (Space)
            {
                if (Sharp)
                {
                    width *= 2;
                }
                width += length - 1;
            }
            else if (Sharp)
            {
                width += 2;
            }
        }
        else
        {
            if (WidPresent)
            {
                WritePadding(Wid);
            }
            return;
        }
        if (WidPresent && Wid > width && !Minus)
        {
            WritePadding(Wid - width);
        }
        if (Sharp)
        {
            Buf.Append('0').Append(digits[16]);
        }
        for (var i = 0; i < length; i++)
        {
            if (Space && i > 0)
            {
                Buf.Append(' ');
                if (Sharp)
                {
                    Buf.Append('0').Append(digits[16]);
                }
            }
            Buf.Append(digits[bytes[i] >> 4]).Append(digits[bytes[i] & 0xF]);
        }
        if (WidPresent && Wid > width && Minus)
        {
            WritePadding(Wid - width);
        }
    }

    public void FmtQ(string s)
    {
        s = Truncate(s);
        if (Sharp && CanBackquote(s))
        {
            Pad("`" + s + "`");
            return;
        }
        Pad(GoQuote.Quote(s, Plus));
    }

    private static bool CanBackquote(string s)
    {
        foreach (var r in GoQuote.Runes(s))
        {
            if (r == '`' || r == 0xFFFD || (r < ' ' && r != '\t') || r == 0x7f || r == 0xFEFF)
            {
                return false;
            }
        }
        return true;
    }

    public void FmtC(ulong c) => Pad(char.ConvertFromUtf32(ValidRune(c)));

    public void FmtQc(ulong c)
    {
        var r = ValidRune(c);
        if (Sharp && GoQuote.IsPrint(r))
        {
            Pad("'" + char.ConvertFromUtf32(r) + "'");
            return;
        }
        Pad(GoQuote.QuoteRune(r, Plus));
    }

    private static int ValidRune(ulong c) => c > 0x10FFFF || c is >= 0xD800 and <= 0xDFFF ? 0xFFFD : (int)c;

    /// <summary>%U: U+0041, with # also ' 'A''.</summary>
    public void FmtUnicode(ulong u)
    {
        var prec = 4;
        if (PrecPresent && Prec > 4)
        {
            prec = Prec;
        }
        var hex = u.ToString("X", System.Globalization.CultureInfo.InvariantCulture).PadLeft(prec, '0');
        var s = "U+" + hex;
        if (Sharp && u <= 0x10FFFF && GoQuote.IsPrint((int)u))
        {
            s += " '" + char.ConvertFromUtf32((int)u) + "'";
        }
        var oldZero = Zero;
        Zero = false;
        Pad(s);
        Zero = oldZero;
    }

    /// <summary>fmt's fmtInteger: base 2, 8, 10 or 16, with precision, sign and # prefixes.</summary>
    public void FmtInteger(ulong u, int baseN, bool signed, char verb, bool upper)
    {
        var digits = upper ? UpperDigits : LowerDigits;
        var negative = signed && (long)u < 0;
        if (negative)
        {
            u = (ulong)(-(long)u);
        }
        var prec = 0;
        if (PrecPresent)
        {
            prec = Prec;
            if (prec == 0 && u == 0)
            {
                var old = Zero;
                Zero = false;
                WritePadding(Wid);
                Zero = old;
                return;
            }
        }
        else if (Zero && WidPresent)
        {
            prec = Wid;
            if (negative || Plus || Space)
            {
                prec--;
            }
        }
        var sb = new StringBuilder();
        if (u == 0)
        {
            sb.Append('0');
        }
        while (u > 0)
        {
            sb.Insert(0, digits[(int)(u % (ulong)baseN)]);
            u /= (ulong)baseN;
        }
        while (prec > sb.Length)
        {
            sb.Insert(0, '0');
        }
        if (Sharp)
        {
            switch (baseN)
            {
                case 2:
                    sb.Insert(0, "0b");
                    break;
                case 8:
                    if (sb[0] != '0')
                    {
                        sb.Insert(0, '0');
                    }
                    break;
                case 16:
                    sb.Insert(0, digits[16]).Insert(0, '0');
                    break;
            }
        }
        if (verb == 'O')
        {
            sb.Insert(0, "0o");
        }
        if (negative)
        {
            sb.Insert(0, '-');
        }
        else if (Plus)
        {
            sb.Insert(0, '+');
        }
        else if (Space)
        {
            sb.Insert(0, ' ');
        }
        var oldZero = Zero;
        Zero = false;
        Pad(sb.ToString());
        Zero = oldZero;
    }
}
