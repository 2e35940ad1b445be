using System.Globalization;
using System.Text;
using System.Text.Json;
using Alerting.Channels.Http;
using Alerting.Core.Notifications;
using Alerting.GoTemplates;

namespace Alerting.Channels.Jira;

/// <summary>What Go's encoder refuses (NaN, ±Inf); Alertmanager then gives up on the notification.</summary>
internal sealed class JiraJsonException(string message) : Exception(message);

/// <summary>
/// Custom fields as Alertmanager's template.DeepCopyWithTemplate makes them, and Go's encoding/json for the values
/// and maps of an issue: map keys in byte order, numbers as strconv formats them, raw JSON compacted and escaped.
/// </summary>
internal static class JiraJson
{
    /// <summary>
    /// DeepCopyWithTemplate: strings are rendered, and a rendering that parses as YAML to something other than a
    /// string (a number, a list, a map, nothing) becomes that value; lists and maps are copied through, map keys
    /// rendered and non-string keys dropped. Null when the template failed (the expander keeps the error).
    /// </summary>
    public static object? Render(object? value, TemplateExpander tmpl) => value switch
    {
        string s => Parsed(tmpl.Text(s)),
        List<object?> list => list.Select(item => Render(item, tmpl)).ToList(),
        JiraYamlMap map => Map(map, key => tmpl.Text(key), v => Render(v, tmpl)),
        _ => value,
    };

    private static object? Parsed(string rendered)
    {
        if (!JiraYaml.TryParse(rendered, out var inline) || inline is string)
        {
            return rendered;
        }
        // Already final data: normalized for JSON, never rendered again.
        return Normalize(inline);
    }

    private static object? Normalize(object? value) => value switch
    {
        List<object?> list => list.Select(Normalize).ToList(),
        JiraYamlMap map => Map(map, key => key, Normalize),
        _ => value,
    };

    private static SortedDictionary<string, object?> Map(JiraYamlMap map, Func<string, string> key, Func<object?, object?> value)
    {
        var result = new SortedDictionary<string, object?>(GoJsonWriter.KeyOrder);
        foreach (var (k, v) in map.Entries)
        {
            if (k is string s)
            {
                result[key(s)] = value(v);
            }
        }
        return result;
    }

    /// <summary>json.Marshal of a value built from the above.</summary>
    public static string Encode(object? value)
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
            case bool b:
                sb.Append(b ? "true" : "false");
                break;
            case long l:
                sb.Append(l.ToString(CultureInfo.InvariantCulture));
                break;
            case ulong u:
                sb.Append(u.ToString(CultureInfo.InvariantCulture));
                break;
            case double d:
                sb.Append(Float(d));
                break;
            case string s:
                GoJson.WriteString(sb, s);
                break;
            case List<object?> list:
                sb.Append('[');
                for (var i = 0; i < list.Count; i++)
                {
                    sb.Append(i > 0 ? "," : "");
                    Write(sb, list[i]);
                }
                sb.Append(']');
                break;
            case SortedDictionary<string, object?> map:
                sb.Append('{');
                var first = true;
                foreach (var (k, v) in map)
                {
                    sb.Append(first ? "" : ",");
                    first = false;
                    GoJson.WriteString(sb, k);
                    sb.Append(':');
                    Write(sb, v);
                }
                sb.Append('}');
                break;
            default:
                throw new JiraJsonException($"json: unsupported type: {value.GetType().Name}");
        }
    }

    /// <summary>encoding/json's float64: strconv's shortest digits, plain between 1e-6 and 1e21, else exponent form (e-7, e+21).</summary>
    public static string Float(double f)
    {
        if (!double.IsFinite(f))
        {
            throw new JiraJsonException($"json: unsupported value: {(double.IsNaN(f) ? "NaN" : f > 0 ? "+Inf" : "-Inf")}");
        }
        if (f == 0)
        {
            return double.IsNegative(f) ? "-0" : "0";
        }
        // "R" gives the shortest round-trip digits; take them apart into digits and a decimal exponent.
        var shortest = Math.Abs(f).ToString("R", CultureInfo.InvariantCulture);
        var e = shortest.IndexOfAny(['E', 'e']);
        var mantissa = e < 0 ? shortest : shortest[..e];
        var exponent = e < 0 ? 0 : int.Parse(shortest[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var point = mantissa.IndexOf('.', StringComparison.Ordinal);
        var digits = mantissa.Replace(".", "", StringComparison.Ordinal);
        var intDigits = (point < 0 ? mantissa.Length : point) + exponent;
        var leading = digits.Length - digits.TrimStart('0').Length;
        digits = digits.Trim('0');
        intDigits -= leading;
        var sign = f < 0 ? "-" : "";
        var abs = Math.Abs(f);
        if (abs < 1e-6 || abs >= 1e21)
        {
            var exp = intDigits - 1;
            var text = digits[..1] + (digits.Length > 1 ? "." + digits[1..] : "") + "e" + (exp < 0 ? "-" : "+") + Math.Abs(exp).ToString("00", CultureInfo.InvariantCulture);
            if (text.Length >= 4 && text[^4] == 'e' && text[^3] == '-' && text[^2] == '0')
            {
                text = text[..^2] + text[^1];
            }
            return sign + text;
        }
        if (intDigits <= 0)
        {
            return sign + "0." + new string('0', -intDigits) + digits;
        }
        return sign + (intDigits >= digits.Length ? digits + new string('0', intDigits - digits.Length) : digits[..intDigits] + "." + digits[intDigits..]);
    }

    /// <summary>json.Compact with HTML escaping, as Go's encoder rewrites a Marshaler's raw output (the ADF description).</summary>
    public static string Compact(string json)
    {
        var sb = new StringBuilder(json.Length);
        var inString = false;
        for (var i = 0; i < json.Length; i++)
        {
            var c = json[i];
            if (inString)
            {
                switch (c)
                {
                    case '\\':
                        sb.Append(c).Append(json[++i]);
                        continue;
                    case '"':
                        inString = false;
                        break;
                    case '<' or '>' or '&':
                        sb.Append(@"\u00").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                        continue;
                    case '\u2028' or '\u2029':
                        sb.Append(@"\u202").Append(c == '\u2028' ? '8' : '9');
                        continue;
                }
                sb.Append(c);
            }
            else if (c is not (' ' or '\t' or '\n' or '\r'))
            {
                inString = c == '"';
                sb.Append(c);
            }
        }
        return sb.ToString();
    }

    /// <summary>json.Valid.</summary>
    public static bool Valid(string json)
    {
        try
        {
            using var _ = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 10000 });
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
