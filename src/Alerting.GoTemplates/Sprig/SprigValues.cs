using System.Globalization;
using System.Text;
using Alerting.GoTemplates.Formatting;
using Alerting.GoTemplates.Strconv;
using Alerting.GoTemplates.Time;
using Alerting.GoTemplates.Values;

namespace Alerting.GoTemplates.Sprig;

/// <summary>The Go types sprig's functions return, and its conversions (strval, strslice, empty, spf13/cast 1.3).</summary>
internal static class SprigValues
{
    public static readonly GoType Int64 = GoTypes.Int64;
    public static readonly GoType IntSlice = new("[]int", GoKind.Slice, named: false, elem: GoTypes.Int, comparable: false);
    public static readonly GoType ListSlice = new("[][]interface {}", GoKind.Slice, named: false, elem: GoTypes.AnySlice, comparable: false);
    public static readonly GoType StringMap = new("map[string]string", GoKind.Map, named: false, elem: GoTypes.String, comparable: false);

    public static GoInt I64(long v) => new(Int64, v);

    public static GoSlice List(IEnumerable<object?> items) => new(GoTypes.AnySlice, [.. items]);

    /// <summary>sprig's strval: a string as is, a Stringer's String(), else fmt's %v.</summary>
    public static string Strval(object? v) => v switch
    {
        string s => s,
        GoString g => g.Value,
        _ => GoFmt.Sprint([v]),
    };

    /// <summary>sprig's strslice: a []string as is, other lists' non-nil items through strval, a scalar as one item.</summary>
    public static GoSlice Strslice(object? v) => v switch
    {
        GoSlice { Type.Name: "[]string" } s => s,
        GoSlice s => GoSlice.Strings(s.Items.Where(i => i is not null).Select(Strval)),
        null => GoSlice.Strings([]),
        _ => GoSlice.Strings([Strval(v)]),
    };

    /// <summary>sprig's empty: the zero value of its kind (a struct is never empty).</summary>
    public static bool IsEmpty(object? v) => v switch
    {
        null => true,
        string s => s.Length == 0,
        GoString g => g.Value.Length == 0,
        bool b => !b,
        long l => l == 0,
        int i => i == 0,
        ulong u => u == 0,
        byte by => by == 0,
        double d => d == 0,
        System.Numerics.Complex c => c == System.Numerics.Complex.Zero,
        GoInt gi => gi.Value == 0,
        GoSlice slice => slice.Items.Count == 0,
        GoMap map => map.Count == 0,
        _ => false,
    };

    /// <summary>cast.ToInt64 (spf13/cast 1.3): numbers, bools, strings in Go syntax (base prefixes); else 0.</summary>
    public static long ToInt64(object? v)
    {
        switch (v)
        {
            case long l:
                return l;
            case int i:
                return i;
            case ulong u:
                return (long)u;
            case byte b:
                return b;
            case GoInt g:
                return g.Value;
            case double d:
                return double.IsNaN(d) ? long.MinValue : (long)d;
            case bool b:
                return b ? 1 : 0;
            case string or GoString:
                GoTypes.TryString(v, out var s);
                return GoParse.TryParseInt(s, out var parsed) ? parsed : 0;
            default:
                return 0;
        }
    }

    /// <summary>cast.ToFloat64: numbers, bools, strings strconv.ParseFloat accepts; else 0.</summary>
    public static double ToFloat64(object? v)
    {
        switch (v)
        {
            case double d:
                return d;
            case string or GoString:
                GoTypes.TryString(v, out var s);
                return GoParse.TryParseFloat(s, out var f) ? f : 0;
            case bool b:
                return b ? 1 : 0;
            case ulong u:
                return u;
            case byte by:
                return by;
            default:
                return ToInt64(v);
        }
    }

    /// <summary>The items of a slice, or the error sprig's must* functions give for another kind.</summary>
    public static IReadOnlyList<object?> Items(object? list, string what)
    {
        if (list is GoSlice slice)
        {
            return slice.Items;
        }
        throw new GoCallException($"Cannot {what} on type {KindName(list)}");
    }

    /// <summary>reflect.Kind's name of a value ("string", "int64", "slice", "map", "struct", "ptr", "invalid").</summary>
    public static string KindName(object? v)
    {
        var type = GoTypes.Of(v);
        if (type is null)
        {
            return "invalid";
        }
        return type.Kind switch
        {
            GoKind.Bool or GoKind.Int or GoKind.Uint or GoKind.Float or GoKind.Complex or GoKind.String => type.Underlying,
            GoKind.Slice => "slice",
            GoKind.Map => "map",
            GoKind.Struct => "struct",
            GoKind.Func => "func",
            GoKind.Pointer => "ptr",
            GoKind.Interface => "interface",
            _ => "invalid",
        };
    }

    /// <summary>reflect.DeepEqual for template values.</summary>
    public static bool DeepEqual(object? a, object? b)
    {
        if (a is GoSlice sa && b is GoSlice sb)
        {
            return sa.Type.Name == sb.Type.Name && sa.Items.Count == sb.Items.Count && sa.Items.Zip(sb.Items).All(p => DeepEqual(p.First, p.Second));
        }
        if (a is GoMap ma && b is GoMap mb)
        {
            return ma.Type.Name == mb.Type.Name && ma.Count == mb.Count
                && ma.Keys.All(k => mb.TryGet(k, out var vb) && ma.TryGet(k, out var va) && DeepEqual(va, vb));
        }
        if (a is GoTime ta && b is GoTime tb)
        {
            return ta.Unix == tb.Unix && ta.Nanos == tb.Nanos && ReferenceEquals(ta.Location, tb.Location);
        }
        return Equals(a, b) && GoTypes.Of(a) == GoTypes.Of(b);
    }

    /// <summary>The UTF-8 bytes of a string (Go indexes strings by byte).</summary>
    public static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);

    public static string FromBytes(byte[] b, int start, int length) => Encoding.UTF8.GetString(b, start, length);

    public static string Itoa(long v) => v.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A map[string]interface{} that sprig's set, unset and merge change in place, as Go's maps are.</summary>
internal sealed class SprigDict : GoMap
{
    private readonly Dictionary<string, object?> _values = new(StringComparer.Ordinal);
    private string[]? _keys;

    public SprigDict(IEnumerable<KeyValuePair<string, object?>>? pairs = null)
    {
        foreach (var (k, v) in pairs ?? [])
        {
            _values[k] = v;
        }
    }

    public override GoType Type => GoTypes.AnyMap;

    public override IReadOnlyList<string> Keys
    {
        get
        {
            if (_keys is null)
            {
                var keys = _values.Keys.ToArray();
                Array.Sort(keys, Alerting.Core.Labels.Utf8Comparer.Instance);
                _keys = keys;
            }
            return _keys;
        }
    }

    public override object? Zero => null;

    public override bool TryGet(string key, out object? value) => _values.TryGetValue(key, out value);

    public void Set(string key, object? value)
    {
        _values[key] = value;
        _keys = null;
    }

    public void Remove(string key)
    {
        _values.Remove(key);
        _keys = null;
    }

    /// <summary>A map of the model (KV, a decoded JSON object) as a dict; sprig's map parameters take only map[string]interface{}.</summary>
    public static SprigDict Of(GoMap map)
    {
        if (map is SprigDict d)
        {
            return d;
        }
        var copy = new SprigDict();
        foreach (var k in map.Keys)
        {
            copy.Set(k, map[k]);
        }
        return copy;
    }
}
