using System.Text;
using Alerting.GoTemplates.Values;

namespace Alerting.GoTemplates.Execution;

/// <summary>Go 1.19's index, slice and len builtins.</summary>
internal static class Indexing
{
    public static object? Index(object? item, ReadOnlySpan<object?> indexes)
    {
        if (item is null)
        {
            throw new GoCallException("index of untyped nil");
        }
        var first = true;
        foreach (var index in indexes)
        {
            if (item is null && !first)
            {
                throw new GoCallException("index of nil pointer");
            }
            first = false;
            switch (item)
            {
                case GoSlice slice:
                    var x = IndexArg(index, slice.Items.Count);
                    if (x == slice.Items.Count)
                    {
                        // Go 1.19 lets the length through to reflect, which panics.
                        throw new GoCallException("reflect: slice index out of range");
                    }
                    item = slice.Items[x];
                    break;
                case string or GoString:
                    GoTypes.TryString(item, out var s);
                    var bytes = Encoding.UTF8.GetBytes(s);
                    var bx = IndexArg(index, bytes.Length);
                    if (bx == bytes.Length)
                    {
                        throw new GoCallException("reflect: string index out of range");
                    }
                    item = bytes[bx];
                    break;
                case GoMap map:
                    var key = MapKey(index, map);
                    item = map.TryGet(key, out var value) ? value : map.Zero;
                    break;
                default:
                    throw new GoCallException($"can't index item of type {GoTypes.Of(item)}");
            }
        }
        return item;
    }

    private static string MapKey(object? index, GoMap map)
    {
        if (index is null)
        {
            return "";
        }
        if (index is string s)
        {
            return s;
        }
        throw new GoCallException($"value has type {GoTypes.Of(index)}; should be string");
    }

    private static int IndexArg(object? index, int cap)
    {
        long x;
        if (GoTypes.TryInt(index, out var i))
        {
            x = i;
        }
        else if (GoTypes.TryUint(index, out var u))
        {
            x = (long)u;
        }
        else if (index is null)
        {
            throw new GoCallException("cannot index slice/array with nil");
        }
        else
        {
            throw new GoCallException($"cannot index slice/array with type {GoTypes.Of(index)}");
        }
        if (x < 0 || x > cap)
        {
            throw new GoCallException($"index out of range: {x}");
        }
        return (int)x;
    }

    public static object? Slice(object? item, ReadOnlySpan<object?> indexes)
    {
        if (item is null)
        {
            throw new GoCallException("slice of untyped nil");
        }
        if (indexes.Length > 3)
        {
            throw new GoCallException($"too many slice indexes: {indexes.Length}");
        }
        int cap;
        byte[]? bytes = null;
        switch (item)
        {
            case string or GoString:
                if (indexes.Length == 3)
                {
                    throw new GoCallException("cannot 3-index slice a string");
                }
                GoTypes.TryString(item, out var s);
                bytes = Encoding.UTF8.GetBytes(s);
                cap = bytes.Length;
                break;
            case GoSlice slice:
                cap = slice.Items.Count;
                break;
            default:
                throw new GoCallException($"can't slice item of type {GoTypes.Of(item)}");
        }
        int[] idx = [0, cap, cap];
        for (var i = 0; i < indexes.Length; i++)
        {
            idx[i] = IndexArg(indexes[i], cap);
        }
        if (idx[0] > idx[1])
        {
            throw new GoCallException($"invalid slice index: {idx[0]} > {idx[1]}");
        }
        if (indexes.Length == 3 && idx[1] > idx[2])
        {
            throw new GoCallException($"invalid slice index: {idx[1]} > {idx[2]}");
        }
        if (bytes is not null)
        {
            var text = Encoding.UTF8.GetString(bytes, idx[0], idx[1] - idx[0]);
            return item is GoString g ? new GoString(g.Type, text) : text;
        }
        var items = (GoSlice)item;
        return new GoSlice(items.Type, items.Items.Skip(idx[0]).Take(idx[1] - idx[0]).ToArray());
    }

    public static long Length(object? item) => item switch
    {
        null => throw new GoCallException("reflect: call of reflect.Value.Type on zero Value"),
        string s => Encoding.UTF8.GetByteCount(s),
        GoString g => Encoding.UTF8.GetByteCount(g.Value),
        GoSlice slice => slice.Items.Count,
        GoMap map => map.Count,
        _ => throw new GoCallException($"len of type {GoTypes.Of(item)}"),
    };
}
