using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.RegularExpressions;
using Alerting.Core.Notifications;
using YamlDotNet.RepresentationModel;

namespace Alerting.Channels.Webhook;

/// <summary>
/// The two halves of Alertmanager's payload pipeline that are not templates: gopkg.in/yaml.v2's typing of plain
/// scalars (YAML 1.1: yes/on are booleans, 0x1F and 017 integers, ~ null) and encoding/json's Encode of the result
/// (map keys sorted, HTML characters escaped, a trailing newline).
/// </summary>
internal static partial class YamlScalars
{
    private static readonly HashSet<string> s_true = ["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"];
    private static readonly HashSet<string> s_false = ["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"];
    private static readonly HashSet<string> s_null = ["", "~", "null", "Null", "NULL"];

    /// <summary>A sentinel for "decodes to a string": null is a real value (YAML's null).</summary>
    public static readonly object String = new();

    /// <summary>
    /// What yaml.v2 decodes a scalar into an <c>interface{}</c> as: <see cref="String"/> for a string (quoted, or
    /// plain text that is no other type; timestamps stay strings there), else null, bool, long, ulong or double.
    /// </summary>
    public static object? Resolve(YamlScalarNode node)
    {
        if (node.Style is not YamlDotNet.Core.ScalarStyle.Plain || node.Tag == "tag:yaml.org,2002:str")
        {
            return String;
        }
        var s = node.Value ?? "";
        if (s_null.Contains(s))
        {
            return null;
        }
        if (s_true.Contains(s) || s_false.Contains(s))
        {
            return s_true.Contains(s);
        }
        switch (s)
        {
            case ".inf" or ".Inf" or ".INF" or "+.inf" or "+.Inf" or "+.INF":
                return double.PositiveInfinity;
            case "-.inf" or "-.Inf" or "-.INF":
                return double.NegativeInfinity;
            case ".nan" or ".NaN" or ".NAN":
                return double.NaN;
        }
        var plain = s.Replace("_", "", StringComparison.Ordinal);
        if (GoInteger(plain) is { } integer)
        {
            return integer >= long.MinValue && integer <= long.MaxValue ? (long)integer
                : integer <= ulong.MaxValue && integer > 0 ? (ulong)integer : String;
        }
        if (YamlFloat().IsMatch(plain) && double.TryParse(plain, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
        {
            return d;
        }
        return String;
    }

    // strconv.ParseInt(s, 0, 64): optional sign, then 0x/0o/0b prefixes, a leading 0 for octal, else decimal.
    private static BigInteger? GoInteger(string s)
    {
        var negative = s.StartsWith('-');
        var body = s.StartsWith('-') || s.StartsWith('+') ? s[1..] : s;
        var (radix, digits) = body.Length > 1 && body[0] == '0'
            ? char.ToLowerInvariant(body[1]) switch
            {
                'x' => (16, body[2..]),
                'o' => (8, body[2..]),
                'b' => (2, body[2..]),
                _ => (8, body[1..]),
            }
            : (10, body);
        if (digits.Length == 0)
        {
            return null;
        }
        BigInteger value = 0;
        foreach (var c in digits)
        {
            var digit = c is >= '0' and <= '9' ? c - '0' : c is >= 'a' and <= 'f' ? c - 'a' + 10 : c is >= 'A' and <= 'F' ? c - 'A' + 10 : 99;
            if (digit >= radix)
            {
                return null;
            }
            value = (value * radix) + digit;
        }
        return negative ? -value : value;
    }

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex YamlFloat();

    /// <summary>json.NewEncoder(...).Encode(value): null on NaN or infinity, which Go cannot encode.</summary>
    public static string? Encode(object? value)
    {
        var sb = new StringBuilder();
        return Write(sb, value) ? sb.Append('\n').ToString() : null;
    }

    private static bool Write(StringBuilder sb, object? value)
    {
        switch (value)
        {
            case null:
                sb.Append("null");
                return true;
            case string s:
                GoJson.WriteString(sb, s);
                return true;
            case bool b:
                sb.Append(b ? "true" : "false");
                return true;
            case long or ulong:
                sb.Append(Convert.ToString(value, CultureInfo.InvariantCulture));
                return true;
            case double d:
                return Float(sb, d);
            case IReadOnlyList<object?> list:
                sb.Append('[');
                for (var i = 0; i < list.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(',');
                    }
                    if (!Write(sb, list[i]))
                    {
                        return false;
                    }
                }
                sb.Append(']');
                return true;
            case SortedDictionary<string, object?> map:
                sb.Append('{');
                var first = true;
                foreach (var (key, item) in map)
                {
                    if (!first)
                    {
                        sb.Append(',');
                    }
                    first = false;
                    GoJson.WriteString(sb, key);
                    sb.Append(':');
                    if (!Write(sb, item))
                    {
                        return false;
                    }
                }
                sb.Append('}');
                return true;
            default:
                throw new ArgumentException($"not a payload value: {value.GetType()}", nameof(value));
        }
    }

    // encoding/json's float64: shortest digits, exponent form below 1e-6 and from 1e21, e-07 shortened to e-7.
    private static bool Float(StringBuilder sb, double f)
    {
        if (double.IsNaN(f) || double.IsInfinity(f))
        {
            return false;
        }
        var abs = Math.Abs(f);
        if (abs != 0 && (abs < 1e-6 || abs >= 1e21))
        {
            var e = f.ToString("R", CultureInfo.InvariantCulture).Replace("E", "e", StringComparison.Ordinal);
            if (!e.Contains('e', StringComparison.Ordinal))
            {
                e = f.ToString("E16", CultureInfo.InvariantCulture).ToLowerInvariant();
            }
            sb.Append(e.Replace("e+0", "e+", StringComparison.Ordinal).Replace("e-0", "e-", StringComparison.Ordinal));
            return true;
        }
        sb.Append(((decimal)f).ToString(CultureInfo.InvariantCulture));
        return true;
    }
}
