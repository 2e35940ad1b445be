using System.Globalization;
using System.Text;
using Alerting.Core.Notifications;

namespace Alerting.Channels.Http;

/// <summary>
/// Writes a request body as Go's json.NewEncoder(&amp;buf).Encode(v) does for Alertmanager's structs: compact,
/// members in the order written (the struct's), strings escaped as <see cref="GoJson"/> does, a trailing newline.
/// The <c>omitEmpty</c> arguments are the struct tags' <c>,omitempty</c>.
/// </summary>
internal sealed class GoJsonWriter
{
    private readonly StringBuilder sb = new(512);
    private readonly Stack<bool> first = new();

    public GoJsonWriter BeginObject(string? name = null) => Open(name, '{');

    public GoJsonWriter EndObject() => Close('}');

    public GoJsonWriter BeginArray(string? name = null) => Open(name, '[');

    public GoJsonWriter EndArray() => Close(']');

    public GoJsonWriter String(string? name, string value, bool omitEmpty = false)
    {
        if (omitEmpty && value.Length == 0)
        {
            return this;
        }
        Member(name);
        GoJson.WriteString(sb, value);
        return this;
    }

    public GoJsonWriter Bool(string? name, bool value, bool omitEmpty = false)
    {
        if (omitEmpty && !value)
        {
            return this;
        }
        Member(name);
        sb.Append(value ? "true" : "false");
        return this;
    }

    public GoJsonWriter Number(string? name, long value, bool omitEmpty = false)
    {
        if (omitEmpty && value == 0)
        {
            return this;
        }
        Member(name);
        sb.Append(value.ToString(CultureInfo.InvariantCulture));
        return this;
    }

    /// <summary>A value already in Go's encoding (a nested encoder's output, compacted raw JSON).</summary>
    public GoJsonWriter Raw(string? name, string json)
    {
        Member(name);
        sb.Append(json);
        return this;
    }

    /// <summary>The document with Encode's trailing newline.</summary>
    public string Document() => sb.ToString() + "\n";

    /// <summary>The value alone, as json.Marshal gives it.</summary>
    public override string ToString() => sb.ToString();

    private GoJsonWriter Open(string? name, char bracket)
    {
        Member(name);
        sb.Append(bracket);
        first.Push(true);
        return this;
    }

    private GoJsonWriter Close(char bracket)
    {
        first.Pop();
        sb.Append(bracket);
        return this;
    }

    private void Member(string? name)
    {
        if (first.Count > 0)
        {
            if (!first.Pop())
            {
                sb.Append(',');
            }
            first.Push(false);
        }
        if (name is not null)
        {
            GoJson.WriteString(sb, name);
            sb.Append(':');
        }
    }
}
