using System.Text.Json;
using Alerting.Core.Labels;

namespace Alerting.Persistence;

public sealed class LabelJsonTests
{
    [Fact]
    public void Labels_read_back_as_written_whatever_the_characters_and_size()
    {
        var labels = LabelSet.From(
            ("alertname", "磁盘已满"),
            ("quote\"and\\slash", "tab\tnew\nline"),
            ("emoji", "🔥 firing"),
            ("long", new string('x', 3000)));
        var read = LabelJson.Read(LabelJson.Write(labels));
        Assert.Equal(labels, read);
        Assert.Equal(labels.Fingerprint, read.Fingerprint);
    }

    [Fact]
    public void More_pairs_than_the_first_buffer_holds_are_all_read()
    {
        var labels = LabelSet.From([.. Enumerable.Range(0, 40).Select(i => ($"label_{i:00}", $"value {i}"))]);
        var read = LabelJson.Read(LabelJson.Write(labels));
        Assert.Equal(40, read.Count);
        Assert.Equal(labels, read);
    }

    [Fact]
    public void Long_and_escaped_names_are_read_whole()
    {
        var longName = "n" + new string('x', 199);
        const string escaped = @"\u00e9t\u00e9_\u6e29\u5ea6";
        var read = LabelJson.Read($$"""{"{{longName}}": "1", "{{escaped}}": "2"}""");
        Assert.Equal("1", read[longName]);
        Assert.Equal("2", read["été_温度"]);
    }

    [Fact]
    public void Keys_in_any_order_make_the_same_set()
    {
        // jsonb gives keys back shortest first, not in Prometheus' order.
        var read = LabelJson.Read("""{"job": "node", "alertname": "Down", "instance": "a:9100"}""");
        Assert.Equal(LabelSet.From(("alertname", "Down"), ("instance", "a:9100"), ("job", "node")), read);
        Assert.Equal(["alertname", "instance", "job"], read.Keys);
    }

    [Fact]
    public void Empty_and_null_values_are_dropped_as_on_ingestion()
    {
        var read = LabelJson.Read("""{"a": "", "b": null, "c": "kept"}""");
        Assert.Equal(LabelSet.From(("c", "kept")), read);
        Assert.Same(LabelSet.Empty, LabelJson.Read("null"));
        Assert.Same(LabelSet.Empty, LabelJson.Read("{}"));
    }

    [Fact]
    public void Utf8_bytes_and_characters_give_the_same_set()
    {
        const string json = """{"alertname": "CPU 使用率", "severity": "critical"}""";
        Assert.Equal(LabelJson.Read(json), LabelJson.Read(System.Text.Encoding.UTF8.GetBytes(json).AsSpan()));
    }

    [Theory]
    [InlineData("""{"a": 1}""")]
    [InlineData("""{"a": ["b"]}""")]
    [InlineData("""["a"]""")]
    [InlineData("""{"a": "b",""")]
    [InlineData("""{"a": "b"} {"c": "d"}""")]
    [InlineData("""{"a": "b"} x""")]
    public void What_is_not_an_object_of_strings_is_refused(string json)
    {
        Assert.ThrowsAny<JsonException>(() => LabelJson.Read(json));
    }

    [Fact]
    public void Repeated_names_and_values_are_one_string()
    {
        // The table is shared with tests running beside this one: a text of theirs can take the slot between two reads,
        // so a pair of reads gets three tries.
        for (var attempt = 1; ; attempt++)
        {
            var a = LabelJson.Read("""{"alertname": "A", "instance": "node-1", "severity": "warning"}""");
            var b = LabelJson.Read("""{"alertname": "B", "instance": "node-2", "severity": "warn\u0069ng"}"""u8);
            Assert.Equal("B", b["alertname"]);
            Assert.Equal("warning", b["severity"]);
            if ((ReferenceEquals(a.Keys.First(), b.Keys.First()) && ReferenceEquals(a["severity"], b["severity"])) || attempt == 3)
            {
                Assert.Same(a.Keys.First(), b.Keys.First());
                Assert.Same(a["severity"], b["severity"]);
                break;
            }
        }
    }
}
