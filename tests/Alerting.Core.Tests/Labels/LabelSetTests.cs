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

    [Fact]
    public void Foreach_walks_the_pairs_in_order_and_again_from_the_start()
    {
        var labels = LabelSet.From(("job", "node"), ("alertname", "Down"), ("Zone", "a"));
        var walked = new List<string>();
        foreach (var (name, value) in labels)
        {
            walked.Add(name + "=" + value);
        }
        foreach (var (name, _) in labels)
        {
            walked.Add(name);
        }
        Assert.Equal(["Zone=a", "alertname=Down", "job=node", "Zone", "alertname", "job"], walked);
        // The interfaces' enumerators walk the same pairs.
        Assert.Equal(labels.ToList(), ((System.Collections.IEnumerable)labels).Cast<KeyValuePair<string, string>>());
        foreach (var _ in LabelSet.Empty)
        {
            Assert.Fail("the empty set has no pairs");
        }
    }

    [Fact]
    public void Select_keeps_the_named_pairs_and_the_set_itself_when_all_are_named()
    {
        var labels = LabelSet.From(("job", "node"), ("alertname", "Down"), ("instance", "h:9100"));
        Assert.Equal(LabelSet.From(("alertname", "Down"), ("job", "node")), labels.Select(["job", "alertname", "absent"]));
        Assert.Same(labels, labels.Select(new HashSet<string> { "job", "alertname", "instance" }));
        Assert.Same(LabelSet.Empty, labels.Select(["absent"]));
        Assert.Empty(labels.Select([]));
    }
}
