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

    public static LabelSet Read(string json)
    {
        var dict = JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [];
        return LabelSet.From(dict);
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
