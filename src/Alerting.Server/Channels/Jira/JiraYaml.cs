using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Alerting.Channels.Jira;

/// <summary>A YAML mapping as yaml.v2 decodes it into interface{}: keys of any type, in file order.</summary>
internal sealed record JiraYamlMap(IReadOnlyList<KeyValuePair<object?, object?>> Entries);

/// <summary>
/// YAML values as yaml.v2 decodes them into interface{} (Alertmanager's custom <c>fields</c>, and what a rendered
/// field parses to): null, bool, long or ulong, double, string, lists and <see cref="JiraYamlMap"/>.
/// </summary>
internal static partial class JiraYaml
{
    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex YamlStyleFloat();

    [GeneratedRegex(@"^\.[0-9]+([eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex DotFloat();

    /// <summary>A node of the configuration, decoded.</summary>
    public static object? Decode(YamlNode node) => node switch
    {
        YamlScalarNode s => Scalar(s),
        YamlSequenceNode seq => seq.Children.Select(Decode).ToList(),
        YamlMappingNode map => new JiraYamlMap([.. map.Children.Select(e => new KeyValuePair<object?, object?>(Decode(e.Key), Decode(e.Value)))]),
        _ => null,
    };

    /// <summary>yaml.Unmarshal(text, &amp;v): the first document's value; false when the text is not YAML.</summary>
    public static bool TryParse(string text, out object? value)
    {
        value = null;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            if (stream.Documents.Count > 0)
            {
                value = Decode(stream.Documents[0].RootNode);
            }
            return true;
        }
        catch (YamlException)
        {
            return false;
        }
    }

    private static object? Scalar(YamlScalarNode s)
    {
        var text = s.Value ?? "";
        var tag = s.Tag.IsEmpty ? "" : s.Tag.Value;
        if (tag is "tag:yaml.org,2002:str" or "!!str" || (tag.Length == 0 && s.Style is not (ScalarStyle.Plain or ScalarStyle.Any)))
        {
            return text;
        }
        return tag.Length == 0 || tag.StartsWith("tag:yaml.org,2002:", StringComparison.Ordinal) || tag.StartsWith("!!", StringComparison.Ordinal)
            ? Resolve(text)
            : text;
    }

    /// <summary>yaml.v2's resolve for a plain scalar.</summary>
    public static object? Resolve(string s)
    {
        switch (s)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "y" or "Y" or "yes" or "Yes" or "YES" or "true" or "True" or "TRUE" or "on" or "On" or "ON":
                return true;
            case "n" or "N" or "no" or "No" or "NO" or "false" or "False" or "FALSE" or "off" or "Off" or "OFF":
                return false;
            case ".nan" or ".NaN" or ".NAN":
                return double.NaN;
            case ".inf" or ".Inf" or ".INF" or "+.inf" or "+.Inf" or "+.INF":
                return double.PositiveInfinity;
            case "-.inf" or "-.Inf" or "-.INF":
                return double.NegativeInfinity;
        }
        if (s[0] == '.')
        {
            return DotFloat().IsMatch(s) && ParseFloat(s) is { } dot ? dot : s;
        }
        if (!char.IsAsciiDigit(s[0]) && s[0] is not ('+' or '-'))
        {
            return s;
        }
        var plain = s.Replace("_", "", StringComparison.Ordinal);
        if (ParseInt(plain) is { } integer)
        {
            return integer;
        }
        if (YamlStyleFloat().IsMatch(plain) && ParseFloat(plain) is { } number)
        {
            return number;
        }
        if (plain.StartsWith("0b", StringComparison.Ordinal) && ParseDigits(plain[2..], 2) is { } binary)
        {
            return binary <= long.MaxValue ? (long)binary : binary;
        }
        if (plain.StartsWith("-0b", StringComparison.Ordinal) && ParseDigits(plain[3..], 2) is { } negative && negative <= (ulong)long.MaxValue + 1)
        {
            return negative == (ulong)long.MaxValue + 1 ? long.MinValue : -(long)negative;
        }
        return s;
    }

    /// <summary>strconv.ParseInt(s, 0, 64), else ParseUint: a long, a ulong, or null.</summary>
    private static object? ParseInt(string s)
    {
        var negative = s.StartsWith('-');
        var body = s.Length > 0 && s[0] is '+' or '-' ? s[1..] : s;
        var (digits, radix) = body.Length > 1 && body[0] == '0'
            ? char.ToLowerInvariant(body[1]) switch
            {
                'x' => (body[2..], 16),
                'o' => (body[2..], 8),
                'b' => (body[2..], 2),
                _ => (body[1..], 8),
            }
            : (body, 10);
        if (ParseDigits(digits, radix) is not { } magnitude)
        {
            return null;
        }
        if (negative)
        {
            return magnitude <= (ulong)long.MaxValue ? -(long)magnitude : magnitude == (ulong)long.MaxValue + 1 ? long.MinValue : null;
        }
        // ParseUint takes no sign: "+" and a value beyond int64 is no integer.
        return magnitude <= long.MaxValue ? (long)magnitude : s[0] == '+' ? null : magnitude;
    }

    private static ulong? ParseDigits(string digits, int radix)
    {
        if (digits.Length == 0)
        {
            return null;
        }
        ulong value = 0;
        foreach (var c in digits)
        {
            var d = char.IsAsciiDigit(c) ? c - '0' : char.IsAsciiLetter(c) ? char.ToLowerInvariant(c) - 'a' + 10 : 99;
            if (d >= radix)
            {
                return null;
            }
            var next = unchecked((value * (ulong)radix) + (ulong)d);
            if (value > (ulong.MaxValue - (ulong)d) / (ulong)radix)
            {
                return null;
            }
            value = next;
        }
        return value;
    }

    /// <summary>strconv.ParseFloat: null when out of range, as its ErrRange makes yaml.v2 keep the string.</summary>
    private static double? ParseFloat(string s) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? d : null;
}
