using System.Text;
using Alerting.GoTemplates.Strconv;

namespace Alerting.GoTemplates.Formatting;

internal sealed partial class FmtState
{
    /// <summary>fmt's fmtFloat: strconv's digits, then sign, # and zero padding rules.</summary>
    public void FmtFloat(double v, char verb, int prec)
    {
        if (PrecPresent)
        {
            prec = Prec;
        }
        var num = new StringBuilder(GoFloat.Format(v, verb, prec));
        if (num[0] is '-' or '+')
        {
            // keep the sign
        }
        else
        {
            num.Insert(0, '+');
        }
        if (Space && num[0] == '+' && !Plus)
        {
            num[0] = ' ';
        }
        if (num[1] is 'I' or 'N')
        {
            var oldZero = Zero;
            Zero = false;
            if (num[1] == 'N' && !Space && !Plus)
            {
                num.Remove(0, 1);
            }
            Pad(num.ToString());
            Zero = oldZero;
            return;
        }
        if (Sharp && verb != 'b')
        {
            var digits = 0;
            if (verb is 'v' or 'g' or 'G' or 'x')
            {
                digits = prec == -1 ? 6 : prec;
            }
            var tail = "";
            var hasPoint = false;
            var sawNonzero = false;
            for (var i = 1; i < num.Length; i++)
            {
                var c = num[i];
                if (c == '.')
                {
                    hasPoint = true;
                    continue;
                }
                if (c is 'p' or 'P' || c is 'e' or 'E' && verb is not 'x' and not 'X')
                {
                    tail = num.ToString(i, num.Length - i);
                    num.Length = i;
                    break;
                }
                if (c != '0')
                {
                    sawNonzero = true;
                }
                if (sawNonzero)
                {
                    digits--;
                }
            }
            if (!hasPoint)
            {
                if (num.Length == 2 && num[1] == '0')
                {
                    digits--;
                }
                num.Append('.');
            }
            while (digits > 0)
            {
                num.Append('0');
                digits--;
            }
            num.Append(tail);
        }
        if (Plus || num[0] != '+')
        {
            if (Zero && WidPresent && Wid > num.Length)
            {
                Buf.Append(num[0]);
                WritePadding(Wid - num.Length);
                Buf.Append(num, 1, num.Length - 1);
                return;
            }
            Pad(num.ToString());
            return;
        }
        Pad(num.ToString(1, num.Length - 1));
    }
}
