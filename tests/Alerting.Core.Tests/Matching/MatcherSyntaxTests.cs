namespace Alerting.Core.Matching;

/// <summary>Alertmanager's matcher/compat package in each mode (compat/parse_test.go, plus the modes' differences).</summary>
public sealed class MatcherSyntaxTests
{
    private readonly List<string> _warnings = [];

    private MatcherSyntax Syntax(MatcherMode mode) => new(mode, _warnings.Add);

    [Theory]
    [InlineData("foo=bar", "foo=\"bar\"", null)]
    [InlineData("foo🙂=bar", "foo🙂=\"bar\"", null)] // only the UTF-8 parser takes it: no warning
    [InlineData("foo=!bar\\n", "foo=\"!bar\\n\"", MatcherSyntax.FallbackWarning)] // only the classic parser takes it
    [InlineData("foo=\"\\xf0\\x9f\\x99\\x82\"", "foo=\"\\\\xf0\\\\x9f\\\\x99\\\\x82\"", MatcherSyntax.DisagreementWarning)] // both, differently: classic wins
    public void Fallback_single_matcher(string input, string expected, string? warning)
    {
        Assert.Equal(expected, Syntax(MatcherMode.Fallback).ParseMatcher(input, "test").ToString());
        if (warning is null)
        {
            Assert.Empty(_warnings);
        }
        else
        {
            Assert.StartsWith(warning, Assert.Single(_warnings), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Fallback_warning_says_what_to_write_instead()
    {
        Syntax(MatcherMode.Fallback).ParseMatchers("{foo=!bar,bar=$baz\\n}", "config");
        var warning = Assert.Single(_warnings);
        Assert.Contains("input=\"{foo=!bar,bar=$baz\\\\n}\" origin=config", warning, StringComparison.Ordinal);
        Assert.Contains("err=\"5:6: !: expected one of '=~': expected label value\"", warning, StringComparison.Ordinal);
        Assert.Contains("suggestion=\"foo=\\\"!bar\\\",bar=\\\"$baz\\\\n\\\"\"", warning, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(MatcherMode.Fallback, "foo!bar", "bad matcher format: foo!bar")] // invalid in both: the classic error
    [InlineData(MatcherMode.Fallback, "{foo=bar}", "unexpected open or close brace: {foo=bar}")]
    [InlineData(MatcherMode.Utf8Strict, "foo=bar}", "unexpected open or close brace: foo=bar}")]
    [InlineData(MatcherMode.Utf8Strict, "foo=!bar", "4:5: !: expected one of '=~': expected label value")]
    [InlineData(MatcherMode.Classic, "foo🙂=bar", "bad matcher format: foo🙂=bar")]
    [InlineData(MatcherMode.Classic, "\"service.name\"=api", "bad matcher format: \"service.name\"=api")]
    public void Single_matcher_errors(MatcherMode mode, string input, string message) =>
        Assert.Equal(message, Assert.Throws<MatcherException>(() => Syntax(mode).ParseMatcher(input, "api")).Message);

    [Fact]
    public void Classic_mode_keeps_braces_for_a_single_matcher_as_0_25_did_not()
    {
        // 0.25's filter parser takes one matcher with its own regex: "a=b,c=d" is a = "b,c=d".
        Assert.Equal("a=\"b,c=d\"", Syntax(MatcherMode.Classic).ParseMatcher("a=b,c=d", "api").ToString());
        Assert.Throws<MatcherException>(() => Syntax(MatcherMode.Classic).ParseMatcher("{a=b}", "api"));
    }

    [Theory]
    [InlineData(MatcherMode.Fallback, "{foo=bar,bar=baz}", "foo=\"bar\",bar=\"baz\"", false)]
    [InlineData(MatcherMode.Fallback, "{foo🙂=bar,bar=baz🙂}", "foo🙂=\"bar\",bar=\"baz🙂\"", false)]
    [InlineData(MatcherMode.Fallback, "{\"service.name\"=\"api\"}", "service.name=\"api\"", false)]
    [InlineData(MatcherMode.Fallback, "{foo=!bar,bar=$baz\\n}", "foo=\"!bar\",bar=\"$baz\\n\"", true)]
    [InlineData(MatcherMode.Fallback, "", "", true)] // zero matchers: Go's nil and empty lists disagree
    [InlineData(MatcherMode.Utf8Strict, "{\"service.name\"=\"api\"}", "service.name=\"api\"", false)]
    [InlineData(MatcherMode.Classic, "{foo=!bar}", "foo=\"!bar\"", false)]
    public void Matchers_in_each_mode(MatcherMode mode, string input, string expected, bool warns)
    {
        Assert.Equal(expected, string.Join(",", Syntax(mode).ParseMatchers(input, "config").Select(m => m.ToString())));
        Assert.Equal(warns, _warnings.Count > 0);
    }

    [Theory]
    [InlineData(MatcherMode.Utf8Strict, "{foo=!bar}", "5:6: !: expected one of '=~': expected label value")]
    [InlineData(MatcherMode.Classic, "{\"service.name\"=\"api\"}", "bad matcher format: \"service.name\"=\"api\"")]
    [InlineData(MatcherMode.Fallback, "{foo!bar}", "bad matcher format: foo!bar")]
    public void Matchers_errors(MatcherMode mode, string input, string message) =>
        Assert.Equal(message, Assert.Throws<MatcherException>(() => Syntax(mode).ParseMatchers(input, "config")).Message);

    [Theory]
    [InlineData("foo", true, true)]
    [InlineData("_foo1", true, true)]
    [InlineData("", false, false)]
    [InlineData("0foo", false, true)]
    [InlineData("foo🙂", false, true)]
    [InlineData("service.name", false, true)]
    [InlineData("a:b", false, true)]
    public void Label_names(string name, bool classic, bool utf8)
    {
        // Not valid UTF-8 in any mode (not an InlineData: the runner would replace the lone surrogate).
        Assert.False(Syntax(MatcherMode.Fallback).IsValidLabelName("x\ud800"));
        Assert.Equal(classic, Syntax(MatcherMode.Classic).IsValidLabelName(name));
        Assert.Equal(utf8, Syntax(MatcherMode.Fallback).IsValidLabelName(name));
        Assert.Equal(utf8, Syntax(MatcherMode.Utf8Strict).IsValidLabelName(name));
    }

    [Theory]
    [InlineData("service.name", "service.name=\"a\\\"b\"")]
    [InlineData("foo bar", "\"foo bar\"=\"a\\\"b\"")]
    [InlineData("a=b", "\"a=b\"=\"a\\\"b\"")]
    [InlineData("tab\there", "\"tab\\there\"=\"a\\\"b\"")]
    public void Names_with_reserved_characters_are_quoted_as_Alertmanager_prints_them(string name, string expected) =>
        Assert.Equal(expected, Matcher.Create(MatchType.Equal, name, "a\"b").ToString());
}
