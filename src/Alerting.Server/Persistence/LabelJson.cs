using System.Buffers;
using System.Text;
using System.Text.Json;
using Alerting.Core.Labels;
using Alerting.Core.Matching;

namespace Alerting.Persistence;

/// <summary>JSON forms of label sets and matchers as stored in jsonb columns.</summary>
internal static class LabelJson
{
    public static string Write(LabelSet labels)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in labels)
            {
                writer.WriteString(name, value);
            }
            writer.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>
    /// A stored label or annotation object. Parsed straight into the label set's array, without a dictionary between:
    /// every read of the active alerts parses two per alert (20k alerts: 45 MB allocated per read before, bench/polls.sh).
    /// </summary>
    public static LabelSet Read(ReadOnlySpan<char> json)
    {
        var max = Encoding.UTF8.GetMaxByteCount(json.Length);
        byte[]? rented = null;
        Span<byte> utf8 = max <= 2048 ? stackalloc byte[2048] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            return Read(utf8[..Encoding.UTF8.GetBytes(json, utf8)]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>As <see cref="Read(ReadOnlySpan{char})"/>, from UTF-8.</summary>
    public static LabelSet Read(ReadOnlySpan<byte> utf8)
    {
        var pairs = ArrayPool<KeyValuePair<string, string>>.Shared.Rent(16);
        var count = 0;
        try
        {
            var reader = new Utf8JsonReader(utf8);
            reader.Read();
            if (reader.TokenType == JsonTokenType.Null)
            {
                return LabelSet.Empty;
            }
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new JsonException($"a label set is a JSON object, not {reader.TokenType}");
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = Text(ref reader);
                reader.Read();
                var value = reader.TokenType switch
                {
                    JsonTokenType.String => Text(ref reader),
                    JsonTokenType.Null => "",
                    _ => throw new JsonException($"label \"{name}\" has a {reader.TokenType} value, not a string"),
                };
                if (count == pairs.Length)
                {
                    var larger = ArrayPool<KeyValuePair<string, string>>.Shared.Rent(count * 2);
                    pairs.AsSpan(0, count).CopyTo(larger);
                    ArrayPool<KeyValuePair<string, string>>.Shared.Return(pairs, clearArray: true);
                    pairs = larger;
                }
                pairs[count++] = new(name, value);
            }
            // After the object only white space may follow (the reader throws on a second value itself).
            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                throw new JsonException("a label set is one JSON object");
            }
            return LabelSet.FromArray(pairs.AsSpan(0, count).ToArray());
        }
        finally
        {
            ArrayPool<KeyValuePair<string, string>>.Shared.Return(pairs, clearArray: true);
        }
    }

    // Names and most values repeat across alerts (alertname, severity, job, ...): one string each (SharedStrings).
    private static string Text(ref Utf8JsonReader reader)
    {
        // The input is a span, so the value is too (no ValueSequence); its escaped length bounds the text's.
        if (reader.ValueSpan.Length > SharedStrings.MaxLength)
        {
            return reader.GetString()!;
        }
        // Sized to the value: a fixed 1 KB would be cleared for every label of every alert read.
        Span<char> chars = stackalloc char[reader.ValueSpan.Length];
        return SharedStrings.Get(chars[..reader.CopyString(chars)]);
    }

    public static string WriteMatchers(Matchers matchers)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var m in matchers)
            {
                writer.WriteStartObject();
                writer.WriteString("name", m.Name);
                writer.WriteString("value", m.Value);
                writer.WriteBoolean("isRegex", m.IsRegex);
                writer.WriteBoolean("isEqual", m.IsEqual);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    public static Matchers ReadMatchers(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var list = new List<Matcher>();
        foreach (var e in doc.RootElement.EnumerateArray())
        {
            list.Add(Matcher.Create(
                e.GetProperty("name").GetString()!,
                e.GetProperty("value").GetString()!,
                e.GetProperty("isRegex").GetBoolean(),
                e.GetProperty("isEqual").GetBoolean()));
        }
        return new Matchers(list);
    }
}
