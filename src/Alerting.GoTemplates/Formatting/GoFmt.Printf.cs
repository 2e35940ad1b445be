using Alerting.GoTemplates.Values;

namespace Alerting.GoTemplates.Formatting;

internal sealed partial class GoFmt
{
    private bool _reordered;
    private bool _goodArgNum;

    public static string Sprintf(string format, IReadOnlyList<object?> args)
    {
        var p = new GoFmt();
        p.DoPrintf(format, args);
        return p._buf.ToString();
    }

    private void DoPrintf(string format, IReadOnlyList<object?> a)
    {
        var end = format.Length;
        var argNum = 0;
        var afterIndex = false;
        _reordered = false;
        var i = 0;
        while (i < end)
        {
            _goodArgNum = true;
            var lasti = i;
            while (i < end && format[i] != '%')
            {
                i++;
            }
            if (i > lasti)
            {
                _buf.Append(format, lasti, i - lasti);
            }
            if (i >= end)
            {
                break;
            }
            i++;
            _fmt.ClearFlags();
            var simple = false;
            for (; i < end; i++)
            {
                var c = format[i];
                if (c == '#')
                {
                    _fmt.Sharp = true;
                }
                else if (c == '0')
                {
                    _fmt.Zero = !_fmt.Minus;
                }
                else if (c == '+')
                {
                    _fmt.Plus = true;
                }
                else if (c == '-')
                {
                    _fmt.Minus = true;
                    _fmt.Zero = false;
                }
                else if (c == ' ')
                {
                    _fmt.Space = true;
                }
                else
                {
                    if (c is >= 'a' and <= 'z' && argNum < a.Count)
                    {
                        if (c == 'v')
                        {
                            _fmt.SharpV = _fmt.Sharp;
                            _fmt.Sharp = false;
                            _fmt.PlusV = _fmt.Plus;
                            _fmt.Plus = false;
                        }
                        PrintArg(a[argNum], c);
                        argNum++;
                        i++;
                        simple = true;
                    }
                    break;
                }
            }
            if (simple)
            {
                continue;
            }
            (argNum, i, afterIndex) = ArgNumber(argNum, format, i, a.Count);
            if (i < end && format[i] == '*')
            {
                i++;
                (var wid, var ok, argNum) = IntFromArg(a, argNum);
                _fmt.Wid = wid;
                _fmt.WidPresent = ok;
                if (!ok)
                {
                    _buf.Append("%!(BADWIDTH)");
                }
                if (_fmt.Wid < 0)
                {
                    _fmt.Wid = -_fmt.Wid;
                    _fmt.Minus = true;
                    _fmt.Zero = false;
                }
                afterIndex = false;
            }
            else
            {
                (var wid, var ok, i) = ParseNum(format, i, end);
                _fmt.Wid = wid;
                _fmt.WidPresent = ok;
                if (afterIndex && ok)
                {
                    _goodArgNum = false;
                }
            }
            if (i + 1 < end && format[i] == '.')
            {
                i++;
                if (afterIndex)
                {
                    _goodArgNum = false;
                }
                (argNum, i, afterIndex) = ArgNumber(argNum, format, i, a.Count);
                if (i < end && format[i] == '*')
                {
                    i++;
                    (var prec, var ok, argNum) = IntFromArg(a, argNum);
                    _fmt.Prec = prec;
                    _fmt.PrecPresent = ok;
                    if (_fmt.Prec < 0)
                    {
                        _fmt.Prec = 0;
                        _fmt.PrecPresent = false;
                    }
                    if (!ok)
                    {
                        _buf.Append("%!(BADPREC)");
                    }
                    afterIndex = false;
                }
                else
                {
                    (var prec, var ok, i) = ParseNum(format, i, end);
                    _fmt.Prec = ok ? prec : 0;
                    _fmt.PrecPresent = true;
                }
            }
            if (!afterIndex)
            {
                (argNum, i, afterIndex) = ArgNumber(argNum, format, i, a.Count);
            }
            if (i >= end)
            {
                _buf.Append("%!(NOVERB)");
                break;
            }
            var (rune, size) = Strconv.GoQuote.RuneAt(format, i);
            var verb = rune < 0x10000 ? (char)rune : '\uFFFD';
            i += size;
            if (verb == '%')
            {
                _buf.Append('%');
            }
            else if (!_goodArgNum)
            {
                _buf.Append("%!").Append(verb).Append("(BADINDEX)");
            }
            else if (argNum >= a.Count)
            {
                _buf.Append("%!").Append(verb).Append("(MISSING)");
            }
            else
            {
                if (verb == 'v')
                {
                    _fmt.SharpV = _fmt.Sharp;
                    _fmt.Sharp = false;
                    _fmt.PlusV = _fmt.Plus;
                    _fmt.Plus = false;
                }
                PrintArg(a[argNum], verb);
                argNum++;
            }
        }
        if (!_reordered && argNum < a.Count)
        {
            _fmt.ClearFlags();
            _buf.Append("%!(EXTRA ");
            for (var k = argNum; k < a.Count; k++)
            {
                if (k > argNum)
                {
                    _buf.Append(", ");
                }
                if (a[k] is null)
                {
                    _buf.Append("<nil>");
                }
                else
                {
                    _buf.Append(GoTypes.Of(a[k])!.Name).Append('=');
                    PrintArg(a[k], 'v');
                }
            }
            _buf.Append(')');
        }
    }

    private static (int Num, bool IsNum, int NewI) ParseNum(string s, int start, int end)
    {
        if (start >= end)
        {
            return (0, false, end);
        }
        var num = 0;
        var isNum = false;
        var i = start;
        for (; i < end && s[i] is >= '0' and <= '9'; i++)
        {
            if (num > 1_000_000)
            {
                return (0, false, end);
            }
            num = (num * 10) + (s[i] - '0');
            isNum = true;
        }
        return (num, isNum, i);
    }

    private (int ArgNum, int I, bool Found) ArgNumber(int argNum, string format, int i, int numArgs)
    {
        if (format.Length <= i || format[i] != '[')
        {
            return (argNum, i, false);
        }
        _reordered = true;
        var (index, wid, ok) = ParseArgNumber(format[i..]);
        if (ok && index >= 0 && index < numArgs)
        {
            return (index, i + wid, true);
        }
        _goodArgNum = false;
        return (argNum, i + wid, ok);
    }

    private static (int Index, int Wid, bool Ok) ParseArgNumber(string format)
    {
        if (format.Length < 3)
        {
            return (0, 1, false);
        }
        for (var i = 1; i < format.Length; i++)
        {
            if (format[i] == ']')
            {
                var (width, ok, newi) = ParseNum(format, 1, i);
                if (!ok || newi != i)
                {
                    return (0, i + 1, false);
                }
                return (width - 1, i + 1, true);
            }
        }
        return (0, 1, false);
    }

    private static (int Num, bool IsInt, int NewArgNum) IntFromArg(IReadOnlyList<object?> a, int argNum)
    {
        if (argNum >= a.Count)
        {
            return (0, false, argNum);
        }
        var num = 0;
        var isInt = false;
        if (GoTypes.TryInt(a[argNum], out var l) && l is >= int.MinValue and <= int.MaxValue)
        {
            num = (int)l;
            isInt = true;
        }
        else if (GoTypes.TryUint(a[argNum], out var u) && u <= int.MaxValue)
        {
            num = (int)u;
            isInt = true;
        }
        if (num is > 1_000_000 or < -1_000_000)
        {
            return (0, false, argNum + 1);
        }
        return (num, isInt, argNum + 1);
    }
}
