namespace Alerting.Core.Labels;

public sealed class FingerprintTests
{
    [Theory]
    [InlineData("0223b772b51c29e1", "alertname", "alert1", "severity", "critical")]
    [InlineData("9266ef3da838ad95", "job", "foo", "severity", "warning")]
    [InlineData("3b15fd163d36582e", "job", "foo", "severity", "critical")]
    public void Matches_Alertmanager_vectors(string expected, string n1, string v1, string n2, string v2)
    {
        Assert.Equal(expected, LabelSet.From((n1, v1), (n2, v2)).FingerprintHex);
        // Order of construction does not matter: names are sorted.
        Assert.Equal(expected, LabelSet.From((n2, v2), (n1, v1)).FingerprintHex);
    }

    [Fact]
    public void Empty_set_is_the_FNV_offset()
    {
        Assert.Equal("cbf29ce484222325", LabelSet.Empty.FingerprintHex);
    }

    [Fact]
    public void Empty_values_are_dropped_before_hashing()
    {
        var withEmpty = LabelSet.From(("alertname", "alert1"), ("severity", "critical"), ("team", ""));
        Assert.Equal("0223b772b51c29e1", withEmpty.FingerprintHex);
        Assert.False(withEmpty.ContainsKey("team"));
    }

    [Fact]
    public void Utf8_values_hash_their_bytes()
    {
        var a = LabelSet.From(("alertname", "磁盘已满"));
        var b = LabelSet.From(("alertname", "磁盘已满 "));
        Assert.NotEqual(a.Fingerprint, b.Fingerprint);
        Assert.Equal(16, a.FingerprintHex.Length);
    }

    [Fact]
    public void Names_sort_by_utf8_bytes_not_utf16()
    {
        // U+FF21 (EF BC A1) sorts before U+1F600 (F0 9F 98 80) in UTF-8, after it in UTF-16.
        var comparer = Utf8Comparer.Instance;
        Assert.True(comparer.Compare("\uFF21", "\U0001F600") < 0);
        Assert.True(string.CompareOrdinal("\uFF21", "\U0001F600") > 0);
    }

    [Fact]
    public void ToString_prints_like_Prometheus()
    {
        var set = LabelSet.From(("instance", "probe-0"), ("alertname", "Latency\"x"));
        Assert.Equal("{alertname=\"Latency\\\"x\", instance=\"probe-0\"}", set.ToString());
    }

    [Fact]
    public void Duplicate_names_are_refused()
    {
        Assert.Throws<ArgumentException>(() => LabelSet.From(("a", "1"), ("a", "2")));
    }
}
