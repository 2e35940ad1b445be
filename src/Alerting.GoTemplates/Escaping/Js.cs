using System.Text;
using Alerting.GoTemplates.Alertmanager;
using Alerting.GoTemplates.Formatting;
using Alerting.GoTemplates.Values;

namespace Alerting.GoTemplates.Escaping;

/// <summary>html/template's JavaScript escapers.</summary>
internal static class Js
{
    public static bool IsIdentPart(char c) => c is '$' or '_' || char.IsAsciiLetterOrDigit(c);

    /// <summary>jsValEscaper: the value as JSON, padded when it starts or ends like an identifier.</summary>
    public static string ValEscaper(IReadOnlyList<object?> args)
    {
        object? a;
        if (args.Count == 1)
        {
            a = args[0];
            if (a is GoValue v && v.Type.Stringer is { } stringer && a is not Time.GoTime)
            {
                a = stringer.Body(v, []);
            }
        }
        else
        {
            a = GoFmt.Sprint(args);
        }
        string json;
        try
        {
            json = GoJsonEncoder.Marshal(a);
        }
        catch (GoCallException e)
        {
            return $" /* {e.Message.Replace("*/", "* /", StringComparison.Ordinal)} */null ";
        }
        if (json.Length == 0)
        {
            return " null ";
        }
        var pad = IsIdentPart(json[0]) || IsIdentPart(json[^1]);
        json = json.Replace("\u2028", "\\u2028", StringComparison.Ordinal).Replace("\u2029", "\\u2029", StringComparison.Ordinal);
        return pad ? " " + json + " " : json;
    }

    public static string StrEscaper(string s, bool normalized) => Replace(s, regexp: false, normalized);

    public static string RegexpEscaper(string s)
    {
        var r = Replace(s, regexp: true, normalized: false);
        return r.Length == 0 ? "(?:)" : r;
    }

    private static string Replace(string s, bool regexp, bool normalized)
    {
        var sb = new StringBuilder(s.Length + 8);
        foreach (var c in s)
        {
            string? repl = c switch
            {
                '\0' => "\\u0000",
                '\t' => "\\t",
                '\n' => "\\n",
                '\v' => "\\u000b",
                '\f' => "\\f",
                '\r' => "\\r",
                '"' => "\\u0022",
                '&' => "\\u0026",
                '\'' => "\\u0027",
                '+' => "\\u002b",
                '/' => "\\/",
                '<' => "\\u003c",
                '>' => "\\u003e",
                '\\' => normalized ? null : "\\\\",
                '\u2028' => "\\u2028",
                '\u2029' => "\\u2029",
                _ => null,
            };
            if (regexp && repl is null && "$()*-.?[]^{|}".Contains(c, StringComparison.Ordinal))
            {
                repl = "\\" + c;
            }
            sb.Append(repl ?? c.ToString());
        }
        return sb.ToString();
    }
}
