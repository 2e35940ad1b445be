namespace Alerting.Core.Labels;

public sealed class LabelSetTests
{
    [Fact]
    public void An_owned_array_is_filtered_and_sorted_as_any_other_source()
    {
        KeyValuePair<string, string>[] pairs = [new("job", "node"), new("team", ""), new("alertname", "Down"), new("Zone", "a")];
        KeyValuePair<string, string>[] given = [.. pairs];
        var fromArray = LabelSet.FromArray([.. pairs]);
        Assert.Equal(LabelSet.From(given), fromArray);
        // From copies what it is given: the caller's array is left as it was.
        Assert.Equal(pairs, given);
        // Upper case sorts before lower case in byte order; the empty value is gone.
        Assert.Equal(["Zone", "alertname", "job"], fromArray.Keys);
    }

    [Fact]
    public void Only_empty_values_make_the_empty_set()
    {
        Assert.Same(LabelSet.Empty, LabelSet.FromArray([new("a", ""), new("b", "")]));
        Assert.Same(LabelSet.Empty, LabelSet.FromArray([]));
    }

    [Fact]
    public void A_name_twice_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => LabelSet.FromArray([new("a", "1"), new("b", "2"), new("a", "3")]));
        Assert.Contains("duplicate label name \"a\"", e.Message);
    }
}
