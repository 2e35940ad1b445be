namespace Alerting.Channels;

/// <summary>
/// A circuit breaker per destination (a smarthost, a webhook, a robot). After <see cref="FailureThreshold"/> consecutive connection failures
/// (refused, dropped, timed out: the server is not there) the destination's circuit opens for
/// <see cref="OpenFor"/>: attempts then fail at once as retryable, with a RetryAfter of the time left, instead
/// of each holding a delivery for a whole timeout. When the time is up one attempt goes through as a probe
/// (the circuit stays open for everyone else meanwhile); its success closes the circuit, its failure opens it
/// again. Replies from the server, even errors, prove it is there and reset the count.
/// </summary>
/// <remarks>
/// Shared by every notifier that targets the same destination (notifiers are created per send), so the
/// state lives in one instance, <see cref="Shared"/>, not in the notifier. Times are passed in so that the
/// notifier's clock applies.
/// </remarks>
internal sealed class CircuitBreaker(int failureThreshold = 5, TimeSpan? openFor = null)
{
    public static readonly CircuitBreaker Shared = new();

    private readonly Dictionary<string, State> states = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock gate = new();

    public int FailureThreshold { get; } = failureThreshold > 0 ? failureThreshold : throw new ArgumentOutOfRangeException(nameof(failureThreshold));

    public TimeSpan OpenFor { get; } = openFor ?? TimeSpan.FromSeconds(30);

    /// <summary>
    /// Null when an attempt may go to <paramref name="destination"/>; otherwise how long the circuit stays
    /// open and the failure that opened it.
    /// </summary>
    public (TimeSpan RetryAfter, string LastError)? Check(string destination, DateTimeOffset now)
    {
        lock (gate)
        {
            if (!states.TryGetValue(destination, out var state) || state.OpenUntil is not { } until)
            {
                return null;
            }
            if (now < until)
            {
                return (until - now, state.LastError);
            }
            // Half-open: this caller probes; everyone else keeps waiting for its outcome (or the next window).
            state.OpenUntil = now + OpenFor;
            return null;
        }
    }

    public void Succeeded(string destination)
    {
        lock (gate)
        {
            states.Remove(destination);
        }
    }

    public void Failed(string destination, string error, DateTimeOffset now)
    {
        lock (gate)
        {
            if (!states.TryGetValue(destination, out var state))
            {
                states[destination] = state = new State();
            }
            state.Failures++;
            state.LastError = error;
            if (state.Failures >= FailureThreshold)
            {
                state.OpenUntil = now + OpenFor;
            }
        }
    }

    private sealed class State
    {
        public int Failures;
        public DateTimeOffset? OpenUntil;
        public string LastError = "";
    }
}
