using System.Text;
using System.Text.Json;
using Alerting.GoTemplates.Values;

namespace Alerting.GoTemplates.Sprig;

/// <summary>encoding/json for sprig: decoding into dicts, lists, float64s; MarshalIndent's layout; SetEscapeHTML(false).</summary>
internal static class SprigJson
{
    /// <summary>json.Unmarshal into interface{}: objects are dicts, numbers float64; null and the error on bad input.</summary>
    public static object? Parse(string s, out string? error)
    {
        error = null;
        try
        {
            using var doc = JsonDocument.Parse(s, new JsonDocumentOptions { MaxDepth = 10000 });
            return Convert(doc.RootElement);
        }
        catch (JsonException e)
        {
            error = s.Trim().Length == 0 ? "unexpected end of JSON input" : "invalid JSON: " + e.Message;
            return null;
        }
    }

    private static object? Convert(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => new SprigDict(e.EnumerateObject().Select(p => new KeyValuePair<string, object?>(p.Name, Convert(p.Value)))),
        JsonValueKind.Array => SprigValues.List(e.EnumerateArray().Select(Convert)),
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Number => e.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    /// <summary>json.MarshalIndent(v, "", "  ") from compact JSON: string tokens copied verbatim.</summary>
    public static string Indent(string json)
    {
        var sb = new StringBuilder(json.Length * 2);
        var depth = 0;
        for (var i = 0; i < json.Length; i++)
        {
            var c = json[i];
            switch (c)
            {
                case '"':
                    var j = i + 1;
                    while (json[j] != '"')
                    {
                        j += json[j] == '\\' ? 2 : 1;
                    }
                    sb.Append(json, i, j - i + 1);
                    i = j;
                    break;
                case '{' or '[':
                    if (i + 1 < json.Length && json[i + 1] is '}' or ']')
                    {
                        sb.Append(c).Append(json[i + 1]);
                        i++;
                        break;
                    }
                    sb.Append(c);
                    NewLine(++depth);
                    break;
                case '}' or ']':
                    NewLine(--depth);
                    sb.Append(c);
                    break;
                case ',':
                    sb.Append(c);
                    NewLine(depth);
                    break;
                case ':':
                    sb.Append(": ");
                    break;
                default:
                    sb.Append(c);
                    break;
            }
        }
        return sb.ToString();

        void NewLine(int d) => sb.Append('\n').Append(' ', d * 2);
    }

    /// <summary>The same JSON without encoding/json's HTML escapes (\u003c, \u003e, \u0026).</summary>
    public static string Raw(string json)
    {
        var sb = new StringBuilder(json.Length);
        for (var i = 0; i < json.Length; i++)
        {
            if (json[i] != '\\')
            {
                sb.Append(json[i]);
                continue;
            }
            var escape = json[i + 1] == 'u' ? json.Substring(i, 6) : json.Substring(i, 2);
            sb.Append(escape switch
            {
                "\\u003c" => "<",
                "\\u003e" => ">",
                "\\u0026" => "&",
                _ => escape,
            });
            i += escape.Length - 1;
        }
        return sb.ToString();
    }
}
