using static Alerting.Channels.Email.EmailTestData;

namespace Alerting.Channels;

public sealed class CircuitBreakerTests
{
    private readonly CircuitBreaker breaker = new(3, TimeSpan.FromSeconds(30));

    [Fact]
    public void Stays_closed_below_the_threshold_and_a_success_resets_the_count()
    {
        breaker.Failed("a:25", "e1", Now);
        breaker.Failed("a:25", "e2", Now);
        breaker.Succeeded("a:25");
        breaker.Failed("a:25", "e3", Now);
        breaker.Failed("a:25", "e4", Now);

        Assert.Null(breaker.Check("a:25", Now));
    }

    [Fact]
    public void Opens_at_the_threshold_per_destination_and_reports_the_last_error()
    {
        for (var i = 0; i < 3; i++)
        {
            breaker.Failed("a:25", $"e{i}", Now);
        }

        Assert.Equal((TimeSpan.FromSeconds(30), "e2"), breaker.Check("a:25", Now));
        Assert.Equal((TimeSpan.FromSeconds(5), "e2"), breaker.Check("A:25", Now.AddSeconds(25)));
        Assert.Null(breaker.Check("b:25", Now));
    }

    [Fact]
    public void After_the_open_time_one_probe_goes_through_and_its_outcome_decides()
    {
        for (var i = 0; i < 3; i++)
        {
            breaker.Failed("a:25", "down", Now);
        }
        var later = Now.AddSeconds(30);

        Assert.Null(breaker.Check("a:25", later)); // the probe
        Assert.NotNull(breaker.Check("a:25", later.AddSeconds(1))); // everyone else waits
        breaker.Failed("a:25", "still down", later.AddSeconds(2));
        Assert.Equal((TimeSpan.FromSeconds(30), "still down"), breaker.Check("a:25", later.AddSeconds(2)));

        var muchLater = later.AddSeconds(32);
        Assert.Null(breaker.Check("a:25", muchLater));
        breaker.Succeeded("a:25");
        Assert.Null(breaker.Check("a:25", muchLater));
        Assert.Null(breaker.Check("a:25", muchLater));
    }
}
