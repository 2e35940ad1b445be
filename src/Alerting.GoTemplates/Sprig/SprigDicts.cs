using Alerting.GoTemplates.Values;

namespace Alerting.GoTemplates.Sprig;

/// <summary>sprig's dict functions (dict.go) over map[string]interface{}; set, unset and merge change the dict they get.</summary>
internal static class SprigDicts
{
    private static readonly GoType A = GoTypes.Any;
    private static readonly GoType As = GoTypes.AnySlice;
    private static readonly GoType M = GoTypes.AnyMap;
    private static readonly GoType S = GoTypes.String;
    private static readonly GoType Ms = new("[]map[string]interface {}", GoKind.Slice, named: false, elem: GoTypes.AnyMap, comparable: false);

    public static IEnumerable<GoFunc> Functions() =>
    [
        new("dict", GoSignature.VariadicOf(As), Dict),
        new("get", GoSignature.Of(M, S), a => D(a[0]).TryGet((string)a[1]!, out var v) ? v : ""),
        new("set", GoSignature.Of(M, S, A), a => Set(D(a[0]), (string)a[1]!, a[2])),
        new("unset", GoSignature.Of(M, S), a => Unset(D(a[0]), (string)a[1]!)),
        new("hasKey", GoSignature.Of(M, S), a => D(a[0]).TryGet((string)a[1]!, out _)),
        new("pluck", GoSignature.VariadicOf(S, Ms), a => SprigValues.List(a[1..].Select(D).Where(d => d.TryGet((string)a[0]!, out _)).Select(d => d[(string)a[0]!]))),
        new("keys", GoSignature.VariadicOf(Ms), a => GoSlice.Strings(a.SelectMany(d => D(d).Keys))),
        new("values", GoSignature.Of(M), a => SprigValues.List(D(a[0]).Keys.Select(k => D(a[0])[k]))),
        new("pick", GoSignature.VariadicOf(M, GoTypes.StringSlice), a => new SprigDict(Pairs(D(a[0])).Where(p => a[1..].Contains(p.Key)))),
        new("omit", GoSignature.VariadicOf(M, GoTypes.StringSlice), a => new SprigDict(Pairs(D(a[0])).Where(p => !a[1..].Contains(p.Key)))),
        new("merge", GoSignature.VariadicOf(M, Ms), a => Merge(a, overwrite: false)),
        new("mustMerge", GoSignature.VariadicWithError(M, Ms), a => Merge(a, overwrite: false)),
        new("mergeOverwrite", GoSignature.VariadicOf(M, Ms), a => Merge(a, overwrite: true)),
        new("mustMergeOverwrite", GoSignature.VariadicWithError(M, Ms), a => Merge(a, overwrite: true)),
        new("dig", GoSignature.VariadicWithError(As), Dig),
        new("deepCopy", GoSignature.Of(A), a => DeepCopy(a[0])),
        new("mustDeepCopy", GoSignature.WithError(A), a => DeepCopy(a[0])),
    ];

    private static GoMap D(object? v) => v as GoMap ?? new SprigDict();

    private static IEnumerable<KeyValuePair<string, object?>> Pairs(GoMap m) => m.Keys.Select(k => new KeyValuePair<string, object?>(k, m[k]));

    /// <summary>dict "k" v ...: keys through strval; a missing last value is "".</summary>
    private static SprigDict Dict(object?[] v)
    {
        var d = new SprigDict();
        for (var i = 0; i < v.Length; i += 2)
        {
            d.Set(SprigValues.Strval(v[i]), i + 1 < v.Length ? v[i + 1] : "");
        }
        return d;
    }

    private static GoMap Set(GoMap m, string key, object? value)
    {
        if (m is SprigDict d)
        {
            d.Set(key, value);
            return d;
        }
        var copy = SprigDict.Of(m);
        copy.Set(key, value);
        return copy;
    }

    private static GoMap Unset(GoMap m, string key)
    {
        if (m is SprigDict d)
        {
            d.Remove(key);
            return d;
        }
        var copy = SprigDict.Of(m);
        copy.Remove(key);
        return copy;
    }

    /// <summary>mergo.Merge into the first dict: a key it lacks (or holds empty) is taken; with overwrite, any non-empty source value wins; dicts merge deeply.</summary>
    private static GoMap Merge(object?[] a, bool overwrite)
    {
        var dst = SprigDict.Of(D(a[0]));
        foreach (var src in a[1..].Select(D))
        {
            MergeInto(dst, src, overwrite);
        }
        return dst;
    }

    private static void MergeInto(SprigDict dst, GoMap src, bool overwrite)
    {
        foreach (var key in src.Keys)
        {
            var value = src[key];
            var has = dst.TryGet(key, out var existing);
            if (has && existing is SprigDict inner && value is GoMap nested)
            {
                MergeInto(inner, nested, overwrite);
            }
            else if (!has || SprigValues.IsEmpty(existing) || (overwrite && !SprigValues.IsEmpty(value)))
            {
                dst.Set(key, value);
            }
        }
    }

    /// <summary>dig "a" "b" DEFAULT $dict: the value at the key path, or DEFAULT where a key is missing.</summary>
    private static object? Dig(object?[] ps)
    {
        if (ps.Length < 3)
        {
            throw new GoCallException("dig needs at least three arguments");
        }
        var current = ps[^1] as GoMap ?? throw new GoCallException($"interface conversion: interface {{}} is {GoTypes.Of(ps[^1])?.Name ?? "nil"}, not map[string]interface {{}}");
        var fallback = ps[^2];
        var keys = ps[..^2];
        for (var i = 0; i < keys.Length; i++)
        {
            var key = keys[i] as string ?? throw new GoCallException($"interface conversion: interface {{}} is {GoTypes.Of(keys[i])?.Name ?? "nil"}, not string");
            if (!current.TryGet(key, out var value))
            {
                return fallback;
            }
            if (i == keys.Length - 1)
            {
                return value;
            }
            current = value as GoMap ?? throw new GoCallException($"interface conversion: interface {{}} is {GoTypes.Of(value)?.Name ?? "nil"}, not map[string]interface {{}}");
        }
        return fallback;
    }

    /// <summary>copystructure.Copy: dicts and lists are copied, other values are immutable here.</summary>
    internal static object? DeepCopy(object? v) => v switch
    {
        SprigDict d => new SprigDict(Pairs(d).Select(p => new KeyValuePair<string, object?>(p.Key, DeepCopy(p.Value)))),
        GoSlice s => new GoSlice(s.Type, [.. s.Items.Select(DeepCopy)]),
        _ => v,
    };
}
