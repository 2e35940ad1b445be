using System.Text;

namespace Alerting.Channels.Http;

/// <summary>
/// Go's url.Values: several values per key, encoded by <see cref="Encode"/> as url.Values.Encode does (keys in
/// byte order, values in the order added, each escaped with url.QueryEscape). Pushover's query and SNS's form
/// body are built with it. Values are bytes, so a message cut inside a rune (SNS) is escaped byte by byte as Go does.
/// </summary>
internal sealed class GoUrlValues
{
    private const string Hex = "0123456789ABCDEF";

    private readonly SortedDictionary<string, List<byte[]>> values = new(GoJsonWriter.KeyOrder);

    public GoUrlValues Add(string key, string value) => Add(key, Encoding.UTF8.GetBytes(value));

    public GoUrlValues Add(string key, byte[] value)
    {
        if (!values.TryGetValue(key, out var list))
        {
            values[key] = list = [];
        }
        list.Add(value);
        return this;
    }

    /// <summary>Replaces the key's values, as url.Values.Set.</summary>
    public GoUrlValues Set(string key, string value)
    {
        values[key] = [Encoding.UTF8.GetBytes(value)];
        return this;
    }

    public IEnumerable<string> Keys => values.Keys;

    public string Encode()
    {
        var sb = new StringBuilder(256);
        foreach (var (key, list) in values)
        {
            var escapedKey = QueryEscape(Encoding.UTF8.GetBytes(key));
            foreach (var value in list)
            {
                if (sb.Length > 0)
                {
                    sb.Append('&');
                }
                sb.Append(escapedKey).Append('=').Append(QueryEscape(value));
            }
        }
        return sb.ToString();
    }

    /// <summary>url.QueryEscape: letters, digits and <c>-_.~</c> stay, space becomes +, every other byte %XX.</summary>
    public static string QueryEscape(ReadOnlySpan<byte> bytes)
    {
        var sb = new StringBuilder(bytes.Length + 16);
        foreach (var b in bytes)
        {
            if (b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9') or (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~')
            {
                sb.Append((char)b);
            }
            else if (b == (byte)' ')
            {
                sb.Append('+');
            }
            else
            {
                sb.Append('%').Append(Hex[b >> 4]).Append(Hex[b & 0xF]);
            }
        }
        return sb.ToString();
    }

    public static string QueryEscape(string s) => QueryEscape(Encoding.UTF8.GetBytes(s));
}
