using System.Globalization;
using System.Numerics;
using System.Text;
using Alerting.GoTemplates.Values;

namespace Alerting.GoTemplates.Formatting;

/// <summary>Go's fmt.Sprint, Sprintln and Sprintf over template values.</summary>
internal sealed partial class GoFmt
{
    private readonly StringBuilder _buf = new();
    private readonly FmtState _fmt;
    private object? _arg;
    private bool _erroring;

    private GoFmt() => _fmt = new FmtState(_buf);

    public static string Sprint(IReadOnlyList<object?> args)
    {
        if (args.Count == 1 && args[0] is string s)
        {
            return s;
        }
        var p = new GoFmt();
        var prevString = false;
        for (var i = 0; i < args.Count; i++)
        {
            var isString = GoTypes.KindOf(args[i]) == GoKind.String;
            if (i > 0 && !isString && !prevString)
            {
                p._buf.Append(' ');
            }
            p.PrintArg(args[i], 'v');
            prevString = isString;
        }
        return p._buf.ToString();
    }

    public static string Sprintln(IReadOnlyList<object?> args)
    {
        var p = new GoFmt();
        for (var i = 0; i < args.Count; i++)
        {
            if (i > 0)
            {
                p._buf.Append(' ');
            }
            p.PrintArg(args[i], 'v');
        }
        p._buf.Append('\n');
        return p._buf.ToString();
    }

    /// <summary>fmt.Sprint of one value, as text/template prints an action's result.</summary>
    public static string Sprint(object? value) => value is string s ? s : Sprint([value]);

    private void PrintArg(object? arg, char verb)
    {
        _arg = arg;
        if (arg is null)
        {
            if (verb is 'T' or 'v')
            {
                _fmt.Pad("<nil>");
            }
            else
            {
                BadVerb(verb, null, hasValue: false);
            }
            return;
        }
        if (verb == 'T')
        {
            _fmt.FmtS(GoTypes.Of(arg)!.Name);
            return;
        }
        switch (arg)
        {
            case bool b:
                FmtBool(b, verb);
                return;
            case double d:
                FmtFloat(d, verb);
                return;
            case Complex c:
                FmtComplex(c, verb);
                return;
            case long l:
                FmtInteger((ulong)l, signed: true, verb);
                return;
            case int n:
                FmtInteger((ulong)(long)n, signed: true, verb);
                return;
            case ulong u:
                FmtInteger(u, signed: false, verb);
                return;
            case byte by:
                FmtInteger(by, signed: false, verb);
                return;
            case string s:
                FmtString(s, verb);
                return;
        }
        if (!HandleMethods(arg, verb))
        {
            PrintValue(arg, verb, 0);
        }
    }

    private bool HandleMethods(object arg, char verb)
    {
        if (_erroring || arg is not GoValue value)
        {
            return false;
        }
        if (_fmt.SharpV)
        {
            if (value.Type.Methods.TryGetValue("GoString", out var goString) && goString.Signature.In.Length == 0)
            {
                _buf.Append((string)goString.Body(value, [])!);
                return true;
            }
            return false;
        }
        if (verb is 'v' or 's' or 'x' or 'X' or 'q' && value.Type.Stringer is { } stringer)
        {
            FmtString((string)stringer.Body(value, [])!, verb);
            return true;
        }
        return false;
    }

    private void FmtBool(bool b, char verb)
    {
        if (verb is 't' or 'v')
        {
            _fmt.FmtBoolean(b);
        }
        else
        {
            BadVerb(verb, b, hasValue: true);
        }
    }

    private void FmtInteger(ulong v, bool signed, char verb)
    {
        switch (verb)
        {
            case 'v':
                if (_fmt.SharpV && !signed)
                {
                    var sharp = _fmt.Sharp;
                    _fmt.Sharp = true;
                    _fmt.FmtInteger(v, 16, signed, 'v', upper: false);
                    _fmt.Sharp = sharp;
                }
                else
                {
                    _fmt.FmtInteger(v, 10, signed, verb, upper: false);
                }
                break;
            case 'd':
                _fmt.FmtInteger(v, 10, signed, verb, upper: false);
                break;
            case 'b':
                _fmt.FmtInteger(v, 2, signed, verb, upper: false);
                break;
            case 'o' or 'O':
                _fmt.FmtInteger(v, 8, signed, verb, upper: false);
                break;
            case 'x':
                _fmt.FmtInteger(v, 16, signed, verb, upper: false);
                break;
            case 'X':
                _fmt.FmtInteger(v, 16, signed, verb, upper: true);
                break;
            case 'c':
                _fmt.FmtC(v);
                break;
            case 'q':
                _fmt.FmtQc(v);
                break;
            case 'U':
                _fmt.FmtUnicode(v);
                break;
            default:
                BadVerb(verb, _arg, hasValue: true);
                break;
        }
    }

    private void FmtFloat(double v, char verb)
    {
        switch (verb)
        {
            case 'v':
                _fmt.FmtFloat(v, 'g', -1);
                break;
            case 'b' or 'g' or 'G' or 'x' or 'X':
                _fmt.FmtFloat(v, verb, -1);
                break;
            case 'f' or 'e' or 'E':
                _fmt.FmtFloat(v, verb, 6);
                break;
            case 'F':
                _fmt.FmtFloat(v, 'f', 6);
                break;
            default:
                BadVerb(verb, _arg, hasValue: true);
                break;
        }
    }

    private void FmtComplex(Complex c, char verb)
    {
        if (verb is not ('v' or 'b' or 'g' or 'G' or 'x' or 'X' or 'f' or 'F' or 'e' or 'E'))
        {
            BadVerb(verb, _arg, hasValue: true);
            return;
        }
        var oldPlus = _fmt.Plus;
        _buf.Append('(');
        FmtFloat(c.Real, verb);
        _fmt.Plus = true;
        FmtFloat(c.Imaginary, verb);
        _buf.Append("i)");
        _fmt.Plus = oldPlus;
    }

    private void FmtString(string s, char verb)
    {
        switch (verb)
        {
            case 'v':
                if (_fmt.SharpV)
                {
                    _fmt.FmtQ(s);
                }
                else
                {
                    _fmt.FmtS(s);
                }
                break;
            case 's':
                _fmt.FmtS(s);
                break;
            case 'x':
                _fmt.FmtSx(s, upper: false);
                break;
            case 'X':
                _fmt.FmtSx(s, upper: true);
                break;
            case 'q':
                _fmt.FmtQ(s);
                break;
            default:
                BadVerb(verb, _arg, hasValue: true);
                break;
        }
    }

    private void BadVerb(char verb, object? value, bool hasValue)
    {
        _erroring = true;
        _buf.Append("%!").Append(verb).Append('(');
        if (hasValue && value is not null)
        {
            _buf.Append(GoTypes.Of(value)!.Name).Append('=');
            PrintArg(value, 'v');
        }
        else
        {
            _buf.Append("<nil>");
        }
        _buf.Append(')');
        _erroring = false;
    }

    private static string Itoa(int n) => n.ToString(CultureInfo.InvariantCulture);
}
