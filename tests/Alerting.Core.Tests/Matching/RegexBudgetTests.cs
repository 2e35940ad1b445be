using System.Diagnostics;

namespace Alerting.Core.Matching;

/// <summary>The total regex time of one request or silence pass is bounded, not only each evaluation.</summary>
public sealed class RegexBudgetTests
{
    private static readonly string s_slowInput = new string('a', 40) + "!";

    private static List<Matcher> SlowMatchers(string tag) =>
        [.. Enumerable.Range(0, 30).Select(i => Matcher.Create(MatchType.NotRegexp, "v", $"(a+)+b{tag}{i}"))];

    [Fact]
    public void A_pass_past_its_budget_counts_the_rest_as_cut_off_without_running_them()
    {
        var matchers = SlowMatchers("pass");
        var exceeded = RegexBudget.Exceeded;
        var clock = Stopwatch.StartNew();
        using (RegexBudget.Start(TimeSpan.FromMilliseconds(300), throwWhenExhausted: false))
        {
            // A cut-off !~ counts as a match, as a timeout does.
            Assert.All(matchers, m => Assert.True(m.Matches(s_slowInput)));
        }
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed} (unbounded: 30 x 2 x 100 ms)");
        Assert.True(RegexBudget.Exceeded > exceeded);
    }

    [Fact]
    public void A_request_past_its_budget_throws()
    {
        var matchers = SlowMatchers("request");
        using var budget = RegexBudget.Start(TimeSpan.FromMilliseconds(300), throwWhenExhausted: true);
        var e = Assert.Throws<RegexBudgetExceededException>(() => matchers.ForEach(m => m.Matches(s_slowInput)));
        Assert.Contains("300 ms", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_budget_and_after_one_closes_matching_is_as_before()
    {
        using (RegexBudget.Start(TimeSpan.Zero, throwWhenExhausted: true))
        {
            Assert.True(Matcher.Create(MatchType.Equal, "a", "b").Matches("b")); // no regex: no budget used
        }
        Assert.True(Matcher.Create(MatchType.Regexp, "a", "b+").Matches("bbb"));
    }
}
