using System.Diagnostics;
using System.Text.RegularExpressions;
using Alerting.Core.Labels;

namespace Alerting.Core.Matching;

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
    public void Catastrophic_backtracking_is_cut_off_as_no_match()
    {
        // (a+)+b against "aaaa...!" never finishes on a backtracking engine without the timeout.
        var m = Matcher.Create(MatchType.Regexp, "a", "(a+)+b");
        var input = new string('a', 50_000) + "!";
        var sw = Stopwatch.StartNew();
        Assert.False(m.Matches(input));
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), $"took {sw.Elapsed}");
        Assert.True(m.Matches("aaab"));
    }

    [Fact]
    public void Patterns_that_outgrow_the_non_backtracking_cache_are_still_cut_off_every_time()
    {
        // On .NET's non-backtracking engine this pattern ran 36-42 s from its second or fifth evaluation on,
        // past a 100 ms timeout. Each evaluation here must end near the timeout, every time.
        var m = Matcher.Create(MatchType.Regexp, "a", "(.*a.{600}){3}b" + "|x" + Guid.NewGuid().ToString("N"));
        var before = Matcher.RegexTimeouts;
        for (var i = 0; i < 6; i++)
        {
            var sw = Stopwatch.StartNew();
            Assert.False(m.Matches(new string('a', 16_000 - i)));
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), $"evaluation {i} took {sw.Elapsed}");
        }
        Assert.True(Matcher.RegexTimeouts >= before + 6);
    }

    [Fact]
    public void A_pattern_cut_off_once_is_not_run_again_on_inputs_at_least_as_long()
    {
        var m = Matcher.Create(MatchType.Regexp, "a", "(a|aa)+b" + "|y" + Guid.NewGuid().ToString("N"));
        var sw = Stopwatch.StartNew();
        Assert.False(m.Matches(new string('a', 5_000) + "!"));
        var first = sw.Elapsed;
        sw.Restart();
        for (var i = 0; i < 20; i++)
        {
            Assert.False(m.Matches(new string('a', 6_000) + "!"));
        }
        // Twenty cut-off evaluations would take 20 x 100 ms; skipped, they take next to nothing.
        Assert.True(sw.Elapsed < first, $"20 longer inputs took {sw.Elapsed}, the first cut-off {first}");
        // Shorter inputs are still evaluated.
        Assert.True(m.Matches("aaab"));
    }

    [Fact]
    public void A_timed_out_match_is_no_match_and_is_counted()
    {
        // Its own regex with a tiny timeout: the shared ones, and every other test, keep the real timeout.
        const string Pattern = "(x|y|z)*[a-z]{2,}";
        var m = Matcher.Create(MatchType.Regexp, "a", BoundedRegex.Compile(Pattern, TimeSpan.FromTicks(1)), Pattern);
        var before = Matcher.RegexTimeouts;
        var input = string.Concat(Enumerable.Repeat("xyz", 2_000_000));
        Assert.False(m.Matches(input));
        Assert.True(Matcher.RegexTimeouts > before);
        Assert.True(Matcher.Create(MatchType.Regexp, "a", Pattern).Matches("xyzab"));
    }

    [Fact]
    public void A_cut_off_that_does_not_happen_again_is_not_remembered()
    {
        // As when a garbage collection pauses the thread mid-evaluation: the first evaluation runs out of time.
        var calls = 0;
        var regex = new BoundedRegex(value => ++calls == 1 ? throw new RegexMatchTimeoutException(value, "x", TimeSpan.Zero) : value == "x");

        Assert.True(regex.IsMatch("x", out var timedOut));
        Assert.False(timedOut);
        Assert.True(regex.IsMatch("x", out _));
        Assert.Equal(3, calls);

        // Cut off twice in a row, it counts, and longer inputs are not run again.
        var evilCalls = 0;
        var evil = new BoundedRegex(value => ++evilCalls > 0 ? throw new RegexMatchTimeoutException(value, "x", TimeSpan.Zero) : false);
        Assert.False(evil.IsMatch("aaaa", out timedOut));
        Assert.True(timedOut);
        Assert.False(evil.IsMatch("aaaaa", out timedOut));
        Assert.True(timedOut);
        Assert.Equal(2, evilCalls);
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
