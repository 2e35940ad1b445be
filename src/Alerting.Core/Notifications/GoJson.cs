using System.Globalization;
using System.Text;
using Alerting.Core.Labels;

namespace Alerting.Core.Notifications;

/// <summary>
/// The bits of Go's encoding/json output Alertmanager's payloads depend on: string escaping with
/// HTML escaping on (json.Marshal / Encoder defaults) and time.Time's RFC3339Nano form.
/// </summary>
internal static class GoJson
{
    /// <summary>Go's zero time.Time, which Alertmanager sends as the end of a firing alert.</summary>
    public const string ZeroTime = "0001-01-01T00:00:00Z";

    private const string Hex = "0123456789abcdef";

    /// <summary>
    /// encodeState.string with escapeHTML (Go 1.19, which built 0.25): \" \\ \n \r \t short; other
    /// controls, &lt; &gt; &amp; as \u00XX; U+2028/U+2029 escaped; invalid UTF-16 as \ufffd; the rest raw.
    /// </summary>
    public static void WriteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            switch (c)
            {
                case '"':
                    sb.Append("\\\"");
                    break;
                case '\\':
                    sb.Append(@"\\");
                    break;
                case '\n':
                    sb.Append(@"\n");
                    break;
                case '\r':
                    sb.Append(@"\r");
                    break;
                case '\t':
                    sb.Append(@"\t");
                    break;
                case '<' or '>' or '&' or < ' ':
                    sb.Append(@"\u00").Append(Hex[c >> 4]).Append(Hex[c & 0xF]);
                    break;
                case '\u2028' or '\u2029':
                    sb.Append(@"\u202").Append(Hex[c & 0xF]);
                    break;
                default:
                    if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
                    {
                        sb.Append(c).Append(s[++i]);
                    }
                    else if (char.IsSurrogate(c))
                    {
                        sb.Append(@"\ufffd"); // Go would have decoded this as utf8.RuneError
                    }
                    else
                    {
                        sb.Append(c);
                    }
                    break;
            }
        }
        sb.Append('"');
    }

    /// <summary>A map[string]string: keys in byte order, which a LabelSet already keeps.</summary>
    public static void WriteObject(StringBuilder sb, LabelSet labels)
    {
        sb.Append('{');
        var first = true;
        foreach (var (name, value) in labels)
        {
            if (!first)
            {
                sb.Append(',');
            }
            first = false;
            WriteString(sb, name);
            sb.Append(':');
            WriteString(sb, value);
        }
        sb.Append('}');
    }

    /// <summary>
    /// time.Time.MarshalJSON: RFC3339 with the fraction's trailing zeros trimmed (none at all when
    /// whole), "Z" for a zero offset. DateTimeOffset holds 100 ns ticks, so at most 7 digits.
    /// </summary>
    public static string FormatTime(DateTimeOffset t)
    {
        var sb = new StringBuilder(35);
        sb.Append(t.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss", CultureInfo.InvariantCulture));
        var fraction = t.Ticks % TimeSpan.TicksPerSecond;
        if (fraction != 0)
        {
            sb.Append('.').Append(fraction.ToString("D7", CultureInfo.InvariantCulture).TrimEnd('0'));
        }
        var offset = t.Offset;
        if (offset == TimeSpan.Zero)
        {
            sb.Append('Z');
        }
        else
        {
            sb.Append(offset < TimeSpan.Zero ? '-' : '+')
                .Append(offset.Duration().ToString(@"hh\:mm", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    /// <summary>
    /// One alert as Alertmanager's template.Alert marshals it (webhook and incident.io bodies): a firing alert's end is
    /// Go's zero time, as types.Alerts zeroes it.
    /// </summary>
    public static void WriteAlert(StringBuilder sb, NotificationAlert alert)
    {
        sb.Append("{\"status\":");
        WriteString(sb, alert.Status);
        sb.Append(",\"labels\":");
        WriteObject(sb, alert.Labels);
        sb.Append(",\"annotations\":");
        WriteObject(sb, alert.Annotations);
        sb.Append(",\"startsAt\":\"").Append(FormatTime(alert.StartsAt));
        sb.Append("\",\"endsAt\":\"").Append(alert.IsFiring ? ZeroTime : FormatTime(alert.EndsAt));
        sb.Append("\",\"generatorURL\":");
        WriteString(sb, alert.GeneratorUrl);
        sb.Append(",\"fingerprint\":");
        WriteString(sb, alert.Fingerprint);
        sb.Append('}');
    }
}
