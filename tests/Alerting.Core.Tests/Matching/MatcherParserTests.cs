namespace Alerting.Core.Matching;

public sealed class MatcherParserTests
{
    [Theory]
    [InlineData("foo=bar", "foo", MatchType.Equal, "bar")]
    [InlineData("foo=\"bar\"", "foo", MatchType.Equal, "bar")]
    [InlineData("foo!=bar", "foo", MatchType.NotEqual, "bar")]
    [InlineData("foo=~bar.*", "foo", MatchType.Regexp, "bar.*")]
    [InlineData("foo!~\"bar.*\"", "foo", MatchType.NotRegexp, "bar.*")]
    [InlineData("  foo  =  bar  ", "foo", MatchType.Equal, "bar")]
    [InlineData("foo=", "foo", MatchType.Equal, "")]
    [InlineData("foo=\"\"", "foo", MatchType.Equal, "")]
    [InlineData("foo=\"b\\\"ar\"", "foo", MatchType.Equal, "b\"ar")]
    [InlineData("foo=\"b\\\\ar\"", "foo", MatchType.Equal, "b\\ar")]
    [InlineData("foo=\"line1\\nline2\"", "foo", MatchType.Equal, "line1\nline2")]
    [InlineData("foo=\"b\\ar\"", "foo", MatchType.Equal, "b\\ar")] // spurious escape keeps its backslash
    [InlineData("foo=bar\\", "foo", MatchType.Equal, "bar\\")]
    [InlineData("foo:bar=baz", "foo:bar", MatchType.Equal, "baz")]
    [InlineData("foo==bar", "foo", MatchType.Equal, "=bar")]
    [InlineData("foo=~", "foo", MatchType.Regexp, "")]
    [InlineData("foo=Ünicode", "foo", MatchType.Equal, "Ünicode")]
    public void Parses_one_matcher(string input, string name, MatchType type, string value)
    {
        var m = MatcherParser.Parse(input);
        Assert.Equal(name, m.Name);
        Assert.Equal(type, m.Type);
        Assert.Equal(value, m.Value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("foo")]
    [InlineData("=bar")]
    [InlineData("1foo=bar")]
    [InlineData("foo=\"bar")]
    [InlineData("foo=bar\"")]
    [InlineData("foo=\"ba\"r\"")]
    [InlineData("foo=~\"(\"")]
    [InlineData("foo-bar=baz")]
    public void Rejects_bad_matchers(string input)
    {
        Assert.Throws<MatcherException>(() => MatcherParser.Parse(input));
    }

    [Fact]
    public void Parses_a_braced_list_with_commas_inside_quotes()
    {
        var ms = MatcherParser.ParseList("{a=\"b\", c=~\"d.*\", e!=\"x,y\",f!~g}");
        Assert.Equal(4, ms.Count);
        Assert.Equal("a=\"b\"", ms[0].ToString());
        Assert.Equal("c=~\"d.*\"", ms[1].ToString());
        Assert.Equal("x,y", ms[2].Value);
        Assert.Equal(MatchType.NotRegexp, ms[3].Type);
    }

    [Fact]
    public void Parses_the_bare_form_amtool_sends()
    {
        var ms = MatcherParser.ParseList("alertname=~\"Amtool.*\"");
        Assert.Single(ms);
        Assert.True(ms[0].Matches("AmtoolProbe"));
    }

    [Fact]
    public void Empty_list_is_empty()
    {
        Assert.Empty(MatcherParser.ParseList("{}"));
        Assert.Empty(MatcherParser.ParseList(""));
    }

    [Fact]
    public void ToString_escapes_like_Alertmanager()
    {
        var m = Matcher.Create(MatchType.Equal, "a", "x\"y\\z\nw");
        Assert.Equal("a=\"x\\\"y\\\\z\\nw\"", m.ToString());
        Assert.Equal(m, MatcherParser.Parse(m.ToString()));
    }
}
