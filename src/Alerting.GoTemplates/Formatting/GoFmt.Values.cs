using Alerting.GoTemplates.Values;

namespace Alerting.GoTemplates.Formatting;

internal sealed partial class GoFmt
{
    // printValue: composite values, element by element, with Stringers honoured below the top level.
    private void PrintValue(object? value, char verb, int depth)
    {
        if (depth > 0 && value is not null && HandleMethods(value, verb))
        {
            return;
        }
        _arg = null;
        switch (value)
        {
            case null:
                // Below the top level a nil is an empty interface.
                if (_fmt.SharpV)
                {
                    _buf.Append("interface {}(nil)");
                }
                else
                {
                    _buf.Append("<nil>");
                }
                return;
            case GoInt i:
                _arg = i;
                FmtInteger((ulong)i.Value, signed: true, verb);
                return;
            case GoString s:
                _arg = s;
                FmtString(s.Value, verb);
                return;
            case GoMap map:
                PrintMap(map, verb, depth);
                return;
            case GoSlice slice:
                PrintSlice(slice, verb, depth);
                return;
            case GoStruct st:
                PrintStruct(st, verb, depth);
                return;
            case GoValue other:
                // A pointer or function: Go prints an address we cannot reproduce.
                _buf.Append(other.Type.Kind == GoKind.Pointer && !_fmt.SharpV ? "0xc000010000" : "(" + other.Type.Name + ")(0xc000010000)");
                return;
            default:
                PrintArg(value, verb);
                return;
        }
    }

    private void PrintMap(GoMap map, char verb, int depth)
    {
        if (_fmt.SharpV)
        {
            _buf.Append(map.Type.Name).Append('{');
        }
        else
        {
            _buf.Append("map[");
        }
        for (var i = 0; i < map.Keys.Count; i++)
        {
            if (i > 0)
            {
                _buf.Append(_fmt.SharpV ? ", " : " ");
            }
            PrintValue(map.Keys[i], verb, depth + 1);
            _buf.Append(':');
            PrintValue(map[map.Keys[i]], verb, depth + 1);
        }
        _buf.Append(_fmt.SharpV ? '}' : ']');
    }

    private void PrintSlice(GoSlice slice, char verb, int depth)
    {
        if (_fmt.SharpV)
        {
            _buf.Append(slice.Type.Name).Append('{');
            for (var i = 0; i < slice.Items.Count; i++)
            {
                if (i > 0)
                {
                    _buf.Append(", ");
                }
                PrintValue(slice.Items[i], verb, depth + 1);
            }
            _buf.Append('}');
            return;
        }
        _buf.Append('[');
        for (var i = 0; i < slice.Items.Count; i++)
        {
            if (i > 0)
            {
                _buf.Append(' ');
            }
            PrintValue(slice.Items[i], verb, depth + 1);
        }
        _buf.Append(']');
    }

    private void PrintStruct(GoStruct st, char verb, int depth)
    {
        if (_fmt.SharpV)
        {
            _buf.Append(st.Type.Name);
        }
        _buf.Append('{');
        for (var i = 0; i < st.FieldNames.Count; i++)
        {
            if (i > 0)
            {
                _buf.Append(_fmt.SharpV ? ", " : " ");
            }
            if (_fmt.PlusV || _fmt.SharpV)
            {
                _buf.Append(st.FieldNames[i]).Append(':');
            }
            PrintValue(st.Field(i), verb, depth + 1);
        }
        _buf.Append('}');
    }
}
