namespace Alerting.Channels.Http;

/// <summary>Alertmanager's own cases for notify.TruncateInRunes and TruncateInBytes (notify/util_test.go).</summary>
public sealed class TruncationTests
{
    [Theory]
    [InlineData("", 5, "", false, "", false)]
    [InlineData("abcde", 2, "ab", true, "..", true)]
    [InlineData("abcde", 4, "abc…", true, "a…", true)]
    [InlineData("abcde", 5, "abcde", false, "abcde", false)]
    [InlineData("abcdefgh", 5, "abcd…", true, "ab…", true)]
    [InlineData("a⌘cde", 5, "a⌘cde", false, "a…", true)]
    [InlineData("a⌘cdef", 5, "a⌘cd…", true, "a…", true)]
    [InlineData("世界cdef", 3, "世界c", true, "…", true)]
    [InlineData("❤️✅🚀🔥❌❤️✅🚀🔥❌❤️✅🚀🔥❌❤️✅🚀🔥❌", 19, "❤️✅🚀🔥❌❤️✅🚀🔥❌❤️✅🚀🔥❌…", true, "❤️✅🚀…", true)]
    public void Cuts_as_Alertmanager_cuts(string input, int n, string runes, bool runesCut, string bytes, bool bytesCut)
    {
        Assert.Equal((runes, runesCut), Truncation.TruncateInRunes(input, n));
        Assert.Equal((bytes, bytesCut), Truncation.TruncateInBytes(input, n));
    }

    [Fact]
    public void A_surrogate_pair_counts_as_one_rune_and_four_bytes()
    {
        Assert.Equal(("🚀🚀", false), Truncation.TruncateInRunes("🚀🚀", 2));
        Assert.Equal(("🚀🚀", true), Truncation.TruncateInRunes("🚀🚀🚀", 2)); // no room for the marker
        Assert.Equal(("🚀🚀🚀…", true), Truncation.TruncateInRunes("🚀🚀🚀🚀🚀", 4));
        Assert.Equal(("🚀…", true), Truncation.TruncateInBytes("🚀🚀", 7));
        Assert.Equal(("🚀🚀", false), Truncation.TruncateInBytes("🚀🚀", 8));
    }
}
