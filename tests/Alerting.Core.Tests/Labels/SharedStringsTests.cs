using System.Text;

namespace Alerting.Core.Labels;

public sealed class SharedStringsTests
{
    [Fact]
    public void Text_seen_again_is_the_same_string_from_chars_or_utf8()
    {
        var first = SharedStrings.Get("severity-warning-é中😀".AsSpan());
        Assert.Equal("severity-warning-é中😀", first);
        Assert.Same(first, SharedStrings.Get("severity-warning-é中😀".AsSpan()));
        Assert.Same(first, SharedStrings.Get(Encoding.UTF8.GetBytes("severity-warning-é中😀")));
    }

    [Fact]
    public void Every_text_comes_back_whole_whatever_shares_its_slot()
    {
        // Far more texts than slots: colliding ones replace each other, and each is still returned as it is.
        for (var i = 0; i < 100_000; i++)
        {
            var text = "a-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(text, SharedStrings.Get(text.AsSpan()));
            Assert.Equal(text, SharedStrings.Get(Encoding.UTF8.GetBytes(text)));
        }
    }

    [Fact]
    public void Empty_and_long_text()
    {
        Assert.Same("", SharedStrings.Get(ReadOnlySpan<char>.Empty));
        Assert.Same("", SharedStrings.Get(ReadOnlySpan<byte>.Empty));
        var atMost = new string('x', SharedStrings.MaxLength);
        Assert.Same(SharedStrings.Get(atMost.AsSpan()), SharedStrings.Get(Encoding.UTF8.GetBytes(atMost)));
        // Longer text is made afresh each time, and whole (from UTF-8 too, where it takes more bytes than chars).
        var longer = new string('é', SharedStrings.MaxLength + 1);
        var a = SharedStrings.Get(longer.AsSpan());
        Assert.Equal(longer, a);
        Assert.NotSame(a, SharedStrings.Get(longer.AsSpan()));
        Assert.Equal(longer, SharedStrings.Get(Encoding.UTF8.GetBytes(longer)));
        var multiByte = new string('中', 200);
        Assert.Equal(multiByte, SharedStrings.Get(Encoding.UTF8.GetBytes(multiByte)));
    }

    [Fact]
    public void Invalid_utf8_becomes_the_replacement_character_as_the_encoding_makes_it()
    {
        byte[] bytes = [(byte)'a', 0xC3, (byte)'b'];
        Assert.Equal(Encoding.UTF8.GetString(bytes), SharedStrings.Get(bytes));
    }
}
