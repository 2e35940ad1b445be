using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Alerting.Api;

/// <summary>
/// Times as Alertmanager's API writes them (go-openapi strfmt.DateTime): UTC, milliseconds, "Z".
/// Reading accepts any RFC 3339 time.
/// </summary>
internal sealed class DateTimeJson : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetDateTimeOffset();

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
}
