using System.Collections.Concurrent;
using Alerting.Channels;
using Polly;
using Polly.CircuitBreaker;
using Polly.Registry;
using Polly.Timeout;

namespace Alerting.Delivery;

/// <summary>
/// The in-process resilience of a send: one Polly pipeline per destination (a webhook URL, a robot, a smarthost),
/// a circuit breaker over a per-attempt timeout, built on the injected clock. Retries are not here: they must survive
/// a restart, so they are deferred in the outbox (<see cref="Deliverer"/>).
/// </summary>
/// <remarks>
/// After <see cref="BreakerSettings.FailureThreshold"/> attempts in a row without an answer (refused, dropped, timed out:
/// nothing is there) the circuit opens for <see cref="BreakerSettings.BreakDuration"/>: attempts then fail at once as
/// retryable, with the time left as their Retry-After, instead of each holding a place at the destination for a whole
/// timeout. When the time is up one attempt goes through as a probe; its success closes the circuit, its failure opens
/// it again. An answer, even an error status, proves the destination is there: it closes the circuit, and the count
/// starts again. The timeout is a backstop far above every channel's own bound (10–30 s): cutting off a request the
/// receiver may already have acted on would only cause a duplicate, so it only ends an attempt whose notifier failed
/// to keep its own bound.
/// </remarks>
internal sealed class DestinationPipelines : IAsyncDisposable
{
    internal sealed record BreakerSettings(int FailureThreshold, TimeSpan BreakDuration, TimeSpan AttemptTimeout)
    {
        public static readonly BreakerSettings Default = new(5, TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(10));
    }

    private readonly BreakerSettings _settings;
    private readonly TimeProvider _time;
    private readonly ResiliencePipelineRegistry<string> _registry = new(new ResiliencePipelineRegistryOptions<string>
    {
        BuilderComparer = StringComparer.OrdinalIgnoreCase,
        PipelineComparer = StringComparer.OrdinalIgnoreCase,
    });

    private readonly ConcurrentDictionary<string, Circuit> _circuits = new(StringComparer.OrdinalIgnoreCase);

    public DestinationPipelines(TimeProvider time) : this(time, BreakerSettings.Default)
    {
    }

    internal DestinationPipelines(TimeProvider time, BreakerSettings settings)
    {
        _time = time;
        _settings = settings;
    }

    /// <summary>One attempt through the destination's pipeline; never throws for the destination's failures.</summary>
    public async Task<SendResult> SendAsync(INotifier notifier, string destination, NotificationRequest request, CancellationToken ct)
    {
        var circuit = _circuits.GetOrAdd(destination, _ => new Circuit());
        var pipeline = _registry.GetOrAddPipeline<SendResult>(destination, builder => Build(builder, circuit));
        var started = _time.GetTimestamp();
        SendResult result;
        try
        {
            result = await pipeline.ExecuteAsync(static async (state, token) => await state.notifier.SendAsync(state.request, token), (notifier, request), ct);
        }
        catch (BrokenCircuitException e)
        {
            return new SendResult(SendOutcome.Retryable, null,
                $"circuit open after {_settings.FailureThreshold} connection failures in a row, last: {circuit.LastError}", TimeSpan.Zero, e.RetryAfter);
        }
        catch (TimeoutRejectedException)
        {
            return new SendResult(SendOutcome.Retryable, null,
                $"no outcome within {_settings.AttemptTimeout.TotalSeconds:0}s, the attempt was cut off", _time.GetElapsedTime(started));
        }
        if (!NoAnswer(result))
        {
            // Whatever the circuit's state, the destination answered: the count of failures in a row starts again.
            await circuit.Control.CloseAsync(CancellationToken.None);
        }
        return result;
    }

    private void Build(ResiliencePipelineBuilder<SendResult> builder, Circuit circuit)
    {
        builder.TimeProvider = _time;
        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<SendResult>
        {
            // Every attempt in the window failed, and there were at least this many: with an answer closing the
            // circuit (which empties the window), that is this many failures in a row.
            FailureRatio = 1.0,
            MinimumThroughput = _settings.FailureThreshold,
            SamplingDuration = TimeSpan.FromMinutes(10),
            BreakDuration = _settings.BreakDuration,
            ManualControl = circuit.Control,
            ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
            {
                { Exception: TimeoutRejectedException } => true,
                { Result: { } result } => NoAnswer(result),
                _ => false,
            }),
            OnOpened = args =>
            {
                circuit.LastError = args.Outcome.Exception?.Message ?? args.Outcome.Result?.Error ?? "no answer";
                return ValueTask.CompletedTask;
            },
        });
        builder.AddTimeout(_settings.AttemptTimeout);
    }

    public ValueTask DisposeAsync() => _registry.DisposeAsync();

    /// <summary>A failure without an answer from the destination: nothing is there (or nothing it says has reached us).</summary>
    private static bool NoAnswer(SendResult result) =>
        result.Outcome == SendOutcome.Retryable && result.StatusCode is null && result.RetryAfter is null;

    private sealed class Circuit
    {
        public CircuitBreakerManualControl Control { get; } = new();

        public volatile string LastError = "";
    }
}
