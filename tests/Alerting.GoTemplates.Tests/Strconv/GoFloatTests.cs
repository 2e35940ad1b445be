namespace Alerting.GoTemplates.Strconv;

/// <summary>strconv.FormatFloat and ParseFloat/ParseInt as Go does them.</summary>
public sealed class GoFloatTests
{
    [Theory]
    [InlineData(0.1, 'g', -1, "0.1")]
    [InlineData(123456789.0, 'g', -1, "1.23456789e+08")]
    [InlineData(0.5, 'f', 0, "0")]
    [InlineData(1.5, 'f', 0, "2")]
    [InlineData(0.125, 'f', 2, "0.12")]
    [InlineData(0.375, 'f', 2, "0.38")]
    [InlineData(1e23, 'e', 3, "1.000e+23")]
    [InlineData(-0.0, 'g', -1, "-0")]
    [InlineData(5e-324, 'g', -1, "5e-324")]
    [InlineData(1.7976931348623157e308, 'g', -1, "1.7976931348623157e+308")]
    [InlineData(100.0, 'e', -1, "1e+02")]
    [InlineData(0.000001234, 'f', -1, "0.000001234")]
    public void FormatsAsStrconv(double v, char fmt, int prec, string expected) =>
        Assert.Equal(expected, GoFloat.Format(v, fmt, prec));

    [Fact]
    public void SpecialValues()
    {
        Assert.Equal("NaN", GoFloat.Format(double.NaN, 'g', -1));
        Assert.Equal("+Inf", GoFloat.Format(double.PositiveInfinity, 'f', 2));
        Assert.Equal("-Inf", GoFloat.Format(double.NegativeInfinity, 'e', -1));
    }

    [Theory]
    [InlineData("0x1F", 31)]
    [InlineData("017", 15)]
    [InlineData("0o17", 15)]
    [InlineData("0b101", 5)]
    [InlineData("1_000", 1000)]
    [InlineData("0x_FF", 255)]
    [InlineData("-9223372036854775808", long.MinValue)]
    public void ParsesIntegersWithBasePrefixes(string text, long expected)
    {
        Assert.True(GoParse.TryParseInt(text, out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("08")]
    [InlineData("1__0")]
    [InlineData("_1")]
    [InlineData("9223372036854775808")]
    [InlineData("0x")]
    public void RefusesWhatGoRefuses(string text) => Assert.False(GoParse.TryParseInt(text, out _));

    [Theory]
    [InlineData("1e3", 1000.0)]
    [InlineData(".5", 0.5)]
    [InlineData("1_000.5", 1000.5)]
    [InlineData("0x1p4", 16.0)]
    [InlineData("0x1.8p1", 3.0)]
    public void ParsesFloats(string text, double expected)
    {
        Assert.True(GoParse.TryParseFloat(text, out var value));
        Assert.Equal(expected, value);
    }

    [Fact]
    public void QuotesAsStrconv()
    {
        Assert.Equal("\"a\\tb\\x00\\u00a0é😀\"", GoQuote.Quote("a\tb\0\u00a0é😀"));
        Assert.Equal("\"\\u00e9\"", GoQuote.Quote("é", ascii: true));
        Assert.Equal("'\\n'", GoQuote.QuoteRune('\n'));
        Assert.Equal("a\"b", GoUnquote.Unquote("\"a\\\"b\""));
        Assert.Equal("AAé", GoUnquote.Unquote("\"\\x41\\101\\u00e9\""));
        Assert.Equal("raw\\n", GoUnquote.Unquote("`raw\\n`"));
        Assert.Null(GoUnquote.Unquote("\"\\z\""));
    }
}
