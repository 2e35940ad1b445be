using Alerting.GoTemplates.Values;

namespace Alerting.GoTemplates.Sprig;

/// <summary>sprig's list functions (list.go): any slice goes in, a []interface{} comes out; the must* forms return the error the others panic with.</summary>
internal static class SprigLists
{
    private static readonly GoType A = GoTypes.Any;
    private static readonly GoType As = GoTypes.AnySlice;

    public static IEnumerable<GoFunc> Functions()
    {
        var list = new List<GoFunc>
        {
            new("list", GoSignature.VariadicOf(As), a => SprigValues.List(a)),
            new("tuple", GoSignature.VariadicOf(As), a => SprigValues.List(a)),
            new("concat", GoSignature.VariadicOf(As), a => SprigValues.List(a.SelectMany(l => l is GoSlice s ? s.Items : throw new GoCallException($"Cannot concat type {SprigValues.KindName(l)} as list")))),
            new("chunk", GoSignature.Of(GoTypes.Int, A), a => Chunk((long)a[0]!, a[1])),
            new("mustChunk", GoSignature.WithError(GoTypes.Int, A), a => Chunk((long)a[0]!, a[1])),
        };
        // Each pair: the panicking form and its must* twin, which the engine both report as "error calling".
        (string Name, GoSignature Sig, Func<object?[], object?> Body)[] pairs =
        [
            ("append", GoSignature.Of(A, A), a => SprigValues.List([.. SprigValues.Items(a[0], "push"), a[1]])),
            ("push", GoSignature.Of(A, A), a => SprigValues.List([.. SprigValues.Items(a[0], "push"), a[1]])),
            ("prepend", GoSignature.Of(A, A), a => SprigValues.List([a[1], .. SprigValues.Items(a[0], "prepend")])),
            ("first", GoSignature.Of(A), a => SprigValues.Items(a[0], "find first") is { Count: > 0 } l ? l[0] : null),
            ("last", GoSignature.Of(A), a => SprigValues.Items(a[0], "find last") is { Count: > 0 } l ? l[^1] : null),
            ("rest", GoSignature.Of(A), a => SprigValues.Items(a[0], "find rest") is { Count: > 0 } l ? SprigValues.List(l.Skip(1)) : null),
            ("initial", GoSignature.Of(A), a => SprigValues.Items(a[0], "find initial") is { Count: > 0 } l ? SprigValues.List(l.Take(l.Count - 1)) : null),
            ("reverse", GoSignature.Of(A), a => SprigValues.List(SprigValues.Items(a[0], "find reverse").Reverse())),
            ("compact", GoSignature.Of(A), a => SprigValues.List(SprigValues.Items(a[0], "compact").Where(v => !SprigValues.IsEmpty(v)))),
            ("uniq", GoSignature.Of(A), a => Uniq(SprigValues.Items(a[0], "find uniq"))),
            ("without", GoSignature.VariadicOf(A, As), a => SprigValues.List(SprigValues.Items(a[0], "find without").Where(v => !a[1..].Any(o => SprigValues.DeepEqual(v, o))))),
            ("has", GoSignature.Of(A, A), a => Has(a[0], a[1])),
            ("slice", GoSignature.VariadicOf(A, As), a => Slice(a[0], a[1..])),
        ];
        foreach (var (name, sig, body) in pairs)
        {
            list.Add(new(name, sig, body));
            var must = "must" + char.ToUpperInvariant(name[0]) + name[1..];
            list.Add(new(must, sig with { NumOut = 2, ReturnsError = true }, body));
        }
        return list;
    }

    private static GoSlice Chunk(long size, object? list)
    {
        var items = SprigValues.Items(list, "chunk");
        if (size <= 0)
        {
            throw new GoCallException("runtime error: integer divide by zero");
        }
        return new GoSlice(SprigValues.ListSlice, [.. items.Chunk((int)Math.Min(size, int.MaxValue)).Select(c => (object?)SprigValues.List(c))]);
    }

    private static GoSlice Uniq(IReadOnlyList<object?> items)
    {
        var result = new List<object?>();
        foreach (var item in items)
        {
            if (!result.Any(r => SprigValues.DeepEqual(r, item)))
            {
                result.Add(item);
            }
        }
        return SprigValues.List(result);
    }

    private static bool Has(object? needle, object? haystack) =>
        haystack is not null && SprigValues.Items(haystack, "find has").Any(i => SprigValues.DeepEqual(i, needle));

    /// <summary>list[start:end] keeping the list's type, indexes through cast.ToInt; out of range panics as reflect does.</summary>
    private static GoSlice? Slice(object? list, object?[] indices)
    {
        var items = SprigValues.Items(list, "slice");
        if (items.Count == 0)
        {
            return null;
        }
        var start = indices.Length > 0 ? SprigValues.ToInt64(indices[0]) : 0;
        var end = indices.Length > 1 ? SprigValues.ToInt64(indices[1]) : items.Count;
        if (start < 0 || end < start || end > items.Count)
        {
            throw new GoCallException("reflect: slice index out of range");
        }
        return new GoSlice(((GoSlice)list!).Type, [.. items.Skip((int)start).Take((int)(end - start))]);
    }
}
