using System.Globalization;
using System.Numerics;
using System.Text;
using Alerting.Core.Notifications;
using Alerting.GoTemplates.Strconv;
using Alerting.GoTemplates.Time;
using Alerting.GoTemplates.Values;

namespace Alerting.GoTemplates.Alertmanager;

/// <summary>encoding/json's Marshal over template values (toJson).</summary>
internal static class GoJsonEncoder
{
    public static string Marshal(object? value)
    {
        var sb = new StringBuilder();
        Write(sb, value);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, object? value)
    {
        switch (value)
        {
            case null:
                sb.Append("null");
                break;
            case string s:
                GoJson.WriteString(sb, s);
                break;
            case GoString gs:
                GoJson.WriteString(sb, gs.Value);
                break;
            case bool b:
                sb.Append(b ? "true" : "false");
                break;
            case long or int or ulong or byte:
                sb.Append(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
            case GoInt gi:
                sb.Append(gi.Value.ToString(CultureInfo.InvariantCulture));
                break;
            case double d:
                sb.Append(Float(d));
                break;
            case Complex:
                throw new GoCallException("json: unsupported type: complex128");
            case GoTime t:
                GoJson.WriteString(sb, GoTimeFormat.Format(t, "2006-01-02T15:04:05.999999999Z07:00"));
                break;
            case GoSlice slice:
                sb.Append('[');
                for (var i = 0; i < slice.Items.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(',');
                    }
                    Write(sb, slice.Items[i]);
                }
                sb.Append(']');
                break;
            case GoMap map:
                sb.Append('{');
                for (var i = 0; i < map.Keys.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(',');
                    }
                    GoJson.WriteString(sb, map.Keys[i]);
                    sb.Append(':');
                    Write(sb, map[map.Keys[i]]);
                }
                sb.Append('}');
                break;
            case GoStruct st:
                sb.Append('{');
                for (var i = 0; i < st.FieldNames.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(',');
                    }
                    GoJson.WriteString(sb, st.JsonNames[i]);
                    sb.Append(':');
                    Write(sb, st.Field(i));
                }
                sb.Append('}');
                break;
            default:
                throw new GoCallException($"json: unsupported type: {GoTypes.Of(value)}");
        }
    }

    // encoding/json's float64: shortest digits, exponent form below 1e-6 and from 1e21, e-07 shortened to e-7.
    private static string Float(double f)
    {
        if (double.IsNaN(f) || double.IsInfinity(f))
        {
            throw new GoCallException($"json: unsupported value: {GoFloat.Format(f, 'g', -1)}");
        }
        var abs = Math.Abs(f);
        var fmt = abs != 0 && (abs < 1e-6 || abs >= 1e21) ? 'e' : 'f';
        var s = GoFloat.Format(f, fmt, -1);
        if (fmt == 'e' && s.Length >= 4 && s[^4] == 'e' && s[^3] == '-' && s[^2] == '0')
        {
            s = s[..^2] + s[^1];
        }
        return s;
    }
}
