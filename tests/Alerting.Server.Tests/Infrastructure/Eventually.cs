namespace Alerting.Infrastructure;

public static class Eventually
{
    /// <summary>Polls until <paramref name="check"/> returns the expected value, or fails with the last value seen.</summary>
    public static async Task EqualAsync<T>(T expected, Func<Task<T>> check, TimeSpan? timeout = null)
    {
        var deadline = Deadline.In(timeout ?? TimeSpan.FromSeconds(10));
        T actual;
        do
        {
            actual = await check();
            if (EqualityComparer<T>.Default.Equals(actual, expected))
            {
                return;
            }
            await Task.Delay(50);
        }
        while (!deadline.Passed);
        Assert.Equal(expected, actual);
    }
}
