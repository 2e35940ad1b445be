using Alerting.Persistence;
using Polly;
using Polly.Retry;

namespace Alerting.Delivery;

/// <summary>
/// Runs a database step of a send again while the database is unreachable, for up to <see cref="Patience"/> or until
/// cancelled (Polly: 0.25 s doubling to 2 s between tries). The row stays ours meanwhile: nobody else claims it before
/// its lease ran out, and after an outage the sweepers leave rows others held alone for a few seconds, while
/// OutboxLeases renews ours.
/// </summary>
internal sealed class StoreRetry
{
    /// <summary>How long a send's outcome waits for an unreachable database before it is given up (and sent again later).</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(5);

    private readonly ResiliencePipeline _pipeline;
    private readonly ILogger<StoreRetry> _log;

    public StoreRetry(TimeProvider time, ILogger<StoreRetry> log)
    {
        _log = log;
        // The timeout first, so it is the outer strategy and bounds all the tries together.
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddTimeout(Patience)
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } e && DatabaseOutage.Is(e)),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                Delay = TimeSpan.FromMilliseconds(250),
                MaxDelay = TimeSpan.FromSeconds(2),
                UseJitter = false,
            })
            .Build();
    }

    /// <summary>Returns false when it gave up (the database stayed away, or <paramref name="ct"/> was cancelled).</summary>
    public async Task<bool> RunAsync(long id, Func<Task> step, CancellationToken ct)
    {
        try
        {
            // The step itself is not cut off by the patience running out: it only stops the tries that would follow.
            await _pipeline.ExecuteAsync(async _ => await step(), ct);
            return true;
        }
        catch (Exception e) when (DatabaseOutage.Is(e) || e is OperationCanceledException or Polly.Timeout.TimeoutRejectedException)
        {
            _log.LogWarning("Gave up on the database for outbox row {Id}: {Error}", id, e.Message);
            return false;
        }
    }
}
