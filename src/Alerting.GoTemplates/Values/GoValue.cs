namespace Alerting.GoTemplates.Values;

/// <summary>A Go value that is not a plain CLR scalar: named scalars, slices, maps and structs.</summary>
internal abstract class GoValue
{
    public abstract GoType Type { get; }
}

/// <summary>A value of a named integer type (int64, time.Duration, time.Month, ...).</summary>
internal sealed class GoInt(GoType type, long value) : GoValue
{
    public override GoType Type { get; } = type;

    public long Value { get; } = value;

    public override bool Equals(object? obj) => obj is GoInt other && other.Type == Type && other.Value == Value;

    public override int GetHashCode() => HashCode.Combine(Type, Value);
}

/// <summary>A value of a named string type (template.HTML, template.URL).</summary>
internal sealed class GoString(GoType type, string value) : GoValue
{
    public override GoType Type { get; } = type;

    public string Value { get; } = value;

    public override bool Equals(object? obj) => obj is GoString other && other.Type == Type && other.Value == Value;

    public override int GetHashCode() => HashCode.Combine(Type, Value);
}

/// <summary>A slice; Go prints it [a b c].</summary>
internal sealed class GoSlice(GoType type, IReadOnlyList<object?> items) : GoValue
{
    public override GoType Type { get; } = type;

    public IReadOnlyList<object?> Items { get; } = items;

    public static GoSlice Strings(IEnumerable<string> items) => new(GoTypes.StringSlice, [.. items]);
}

/// <summary>A map with string keys, visited in Go's sorted key order (as fmt and range visit it).</summary>
internal abstract class GoMap : GoValue
{
    /// <summary>Keys sorted bytewise in UTF-8, as Go sorts strings.</summary>
    public abstract IReadOnlyList<string> Keys { get; }

    /// <summary>The element type's zero value (missingkey=zero).</summary>
    public abstract object? Zero { get; }

    public int Count => Keys.Count;

    public object? this[string key] => TryGet(key, out var value) ? value : Zero;

    public abstract bool TryGet(string key, out object? value);

    public static GoMap Create(GoType type, IEnumerable<KeyValuePair<string, object?>> pairs, object? zero) =>
        new DictionaryMap(type, pairs, zero);

    private sealed class DictionaryMap : GoMap
    {
        private readonly Dictionary<string, object?> _values;
        private readonly string[] _keys;

        public DictionaryMap(GoType type, IEnumerable<KeyValuePair<string, object?>> pairs, object? zero)
        {
            Type = type;
            Zero = zero;
            _values = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var (k, v) in pairs)
            {
                _values[k] = v;
            }
            _keys = [.. _values.Keys];
            Array.Sort(_keys, Alerting.Core.Labels.Utf8Comparer.Instance);
        }

        public override GoType Type { get; }

        public override IReadOnlyList<string> Keys => _keys;

        public override object? Zero { get; }

        public override bool TryGet(string key, out object? value) => _values.TryGetValue(key, out value);
    }
}

/// <summary>A struct: its exported fields in declaration order.</summary>
internal abstract class GoStruct : GoValue
{
    public abstract IReadOnlyList<string> FieldNames { get; }

    /// <summary>The names encoding/json uses (the fields' json tags).</summary>
    public virtual IReadOnlyList<string> JsonNames => FieldNames;

    public abstract object? Field(int index);

    public bool TryField(string name, out object? value)
    {
        for (var i = 0; i < FieldNames.Count; i++)
        {
            if (FieldNames[i] == name)
            {
                value = Field(i);
                return true;
            }
        }
        value = null;
        return false;
    }
}
