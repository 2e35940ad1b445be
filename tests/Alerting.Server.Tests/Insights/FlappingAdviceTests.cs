namespace Alerting.Insights;

public sealed class FlappingAdviceTests
{
    [Theory]
    [InlineData(0, "1m")]
    [InlineData(59, "1m")]
    [InlineData(60, "2m")] // longer than the median firing, not equal to it
    [InlineData(2100, "1h")]
    [InlineData(86_400, "24h")]
    [InlineData(1e9, "24h")]
    public void For_is_the_first_step_longer_than_the_median_firing(double seconds, string expected) =>
        Assert.Equal(expected, FlappingAdvice.For(seconds));

    [Theory]
    [InlineData(30, "5m")] // never below Alertmanager's default
    [InlineData(300, "10m")]
    [InlineData(5400, "2h")]
    [InlineData(14_400, "6h")]
    [InlineData(1e9, "24h")]
    public void Group_interval_is_the_first_step_longer_than_the_median_cycle_and_at_least_5m(double seconds, string expected) =>
        Assert.Equal(expected, FlappingAdvice.GroupInterval(seconds));
}
