using System.Diagnostics;
using Alerting.Labels;

namespace Alerting.Matching;

public sealed class MatcherTests
{
    [Theory]
    [InlineData("foo", "foo", true)]
    [InlineData("foo", "foobar", false)] // fully anchored: no partial match
    [InlineData("foo", "barfoo", false)]
    [InlineData("foo|bar", "bar", true)]
    [InlineData("foo|bar", "foobar", false)]
    [InlineData("f.o", "foo", true)]
    [InlineData("foo", "foo\n", false)] // Go's $ does not match before a final newline
    [InlineData("", "", true)]
    [InlineData(".*", "", true)]
    [InlineData("(?i)FOO", "foo", true)]
    public void Regexes_are_fully_anchored(string pattern, string value, bool expected)
    {
        Assert.Equal(expected, Matcher.Create(MatchType.Regexp, "l", pattern).Matches(value));
        Assert.Equal(!expected, Matcher.Create(MatchType.NotRegexp, "l", pattern).Matches(value));
    }

    [Fact]
    public void Missing_label_matches_as_empty()
    {
        var labels = LabelSet.From(("a", "1"));
        Assert.True(Matcher.Create(MatchType.Equal, "b", "").Matches(labels));
        Assert.True(Matcher.Create(MatchType.NotEqual, "b", "x").Matches(labels));
        Assert.False(Matcher.Create(MatchType.Equal, "b", "x").Matches(labels));
    }

    [Fact]
    public void Backreferences_are_refused_like_RE2()
    {
        Assert.Throws<MatcherException>(() => Matcher.Create(MatchType.Regexp, "a", "(a)\\1"));
    }

    [Fact]
    public void Pathological_patterns_run_in_linear_time()
    {
        // Catastrophic for a backtracking engine: (a+)+$ against "aaaa...!".
        var m = Matcher.Create(MatchType.Regexp, "a", "(a+)+b");
        var input = new string('a', 50_000) + "!";
        var sw = Stopwatch.StartNew();
        Assert.False(m.Matches(input));
        // A generous bound: a backtracking engine would not finish at all.
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), $"took {sw.Elapsed}");
    }

    [Fact]
    public void A_timed_out_match_is_no_match_and_is_counted()
    {
        var previous = Matcher.RegexTimeout;
        try
        {
            Matcher.RegexTimeout = TimeSpan.FromTicks(1);
            // A unique pattern so the cache builds it with the tiny timeout.
            var m = Matcher.Create(MatchType.Regexp, "a", "(x|y|z)*[a-z]{2,}" + Guid.NewGuid().ToString("N"));
            var before = Matcher.RegexTimeouts;
            var input = string.Concat(Enumerable.Repeat("xyz", 2_000_000));
            Assert.False(m.Matches(input));
            Assert.True(Matcher.RegexTimeouts > before);
        }
        finally
        {
            Matcher.RegexTimeout = previous;
        }
    }

    [Fact]
    public void Sorted_orders_by_name_value_type()
    {
        var ms = new Matchers([
            Matcher.Create(MatchType.Regexp, "team", "db"),
            Matcher.Create(MatchType.Equal, "severity", "critical"),
            Matcher.Create(MatchType.Equal, "team", "db"),
        ]).Sorted();
        Assert.Equal("{severity=\"critical\",team=\"db\",team=~\"db\"}", ms.ToString());
    }
}
