using System.Text;
using Alerting.Core.Notifications;

namespace Alerting.Channels.Http;

/// <summary>
/// Writes JSON as Go's json.NewEncoder(&amp;buf).Encode writes a struct: compact, fields in the order written,
/// strings escaped as <see cref="GoJson"/> does (&lt; &gt; &amp; as \u00XX), maps with keys sorted, and a
/// trailing newline from <see cref="ToEncoderOutput"/>. Receivers' payloads are built with it so they read
/// byte for byte as Alertmanager's.
/// </summary>
internal sealed class GoJsonWriter
{
    private readonly StringBuilder sb = new(512);
    private readonly Stack<bool> first = new();
    private bool pendingValue;

    /// <summary>Go's sort.Strings order of map keys: byte order of UTF-8, which is code point order.</summary>
    public static readonly IComparer<string> KeyOrder = Comparer<string>.Create(CompareCodePoints);

    public GoJsonWriter BeginObject()
    {
        Separate();
        sb.Append('{');
        first.Push(true);
        return this;
    }

    public GoJsonWriter EndObject()
    {
        first.Pop();
        sb.Append('}');
        return this;
    }

    public GoJsonWriter BeginArray()
    {
        Separate();
        sb.Append('[');
        first.Push(true);
        return this;
    }

    public GoJsonWriter EndArray()
    {
        first.Pop();
        sb.Append(']');
        return this;
    }

    /// <summary>A key inside an object; the value written next belongs to it.</summary>
    public GoJsonWriter Name(string name)
    {
        Separate();
        GoJson.WriteString(sb, name);
        sb.Append(':');
        pendingValue = true;
        return this;
    }

    public GoJsonWriter String(string value)
    {
        Separate();
        GoJson.WriteString(sb, value);
        return this;
    }

    /// <summary>A literal such as null, true or a number, written as given.</summary>
    public GoJsonWriter Raw(string literal)
    {
        Separate();
        sb.Append(literal);
        return this;
    }

    public GoJsonWriter Property(string name, string value) => Name(name).String(value);

    /// <summary>A string field tagged omitempty: left out when empty.</summary>
    public GoJsonWriter PropertyOmitEmpty(string name, string? value) => string.IsNullOrEmpty(value) ? this : Property(name, value);

    /// <summary>A map[string]string value: keys sorted as Go sorts them (the last value of a repeated key wins).</summary>
    public GoJsonWriter StringMap(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        var map = new SortedDictionary<string, string>(KeyOrder);
        foreach (var (key, value) in pairs)
        {
            map[key] = value;
        }
        BeginObject();
        foreach (var (key, value) in map)
        {
            Property(key, value);
        }
        return EndObject();
    }

    /// <summary>What the encoder wrote: the JSON and its newline.</summary>
    public string ToEncoderOutput() => sb.ToString() + "\n";

    public override string ToString() => sb.ToString();

    private void Separate()
    {
        if (pendingValue)
        {
            pendingValue = false; // a value right after its name
            return;
        }
        if (first.Count == 0)
        {
            return;
        }
        if (first.Peek())
        {
            first.Pop();
            first.Push(false);
        }
        else
        {
            sb.Append(',');
        }
    }

    private static int CompareCodePoints(string? a, string? b)
    {
        if (a is null || b is null)
        {
            return string.CompareOrdinal(a, b);
        }
        var ea = a.EnumerateRunes();
        var eb = b.EnumerateRunes();
        while (true)
        {
            var hasA = ea.MoveNext();
            var hasB = eb.MoveNext();
            if (!hasA || !hasB)
            {
                return hasA.CompareTo(hasB);
            }
            var c = ea.Current.Value.CompareTo(eb.Current.Value);
            if (c != 0)
            {
                return c;
            }
        }
    }
}
