using Alerting.Persistence;
using Polly;
using Polly.Retry;

namespace Alerting.Delivery;

/// <summary>
/// Runs a database step of a send again while the database is unreachable, for up to <see cref="Patience"/> or until
/// the caller's token is cancelled (Polly: 0.25 s doubling to 2 s between tries). The row stays ours meanwhile: nobody
/// else claims it before its lease ran out, and after an outage the sweepers leave rows others held alone for a few
/// seconds, while OutboxLeases renews ours.
/// </summary>
/// <remarks>
/// The first try is always made, cancelled or not: shutdown must still record what a send that finished did (else it
/// is sent again). So Polly runs without the caller's token, which would stop it before the first try, and the token
/// only ends the retries: a shutdown during a wait between tries ends them after that wait (at most 2 s).
/// </remarks>
internal sealed class StoreRetry
{
    /// <summary>How long a send's outcome waits for an unreachable database before it is given up (and sent again later).</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(5);

    private static readonly ResiliencePropertyKey<CancellationToken> CallerToken = new("alerting.caller-token");
    private static readonly ResiliencePropertyKey<long> Started = new("alerting.started");

    private readonly ResiliencePipeline _pipeline;
    private readonly TimeProvider _time;
    private readonly ILogger<StoreRetry> _log;

    public StoreRetry(TimeProvider time, ILogger<StoreRetry> log)
    {
        _time = time;
        _log = log;
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } e && DatabaseOutage.Is(e)
                    && !args.Context.Properties.GetValue(CallerToken, default).IsCancellationRequested
                    && time.GetElapsedTime(args.Context.Properties.GetValue(Started, 0)) < Patience),
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
        var context = ResilienceContextPool.Shared.Get(CancellationToken.None);
        context.Properties.Set(CallerToken, ct);
        context.Properties.Set(Started, _time.GetTimestamp());
        try
        {
            await _pipeline.ExecuteAsync(async (_, s) => await s(), context, step);
            return true;
        }
        catch (Exception e) when (DatabaseOutage.Is(e))
        {
            _log.LogWarning("Gave up on the database for outbox row {Id}: {Error}", id, e.Message);
            return false;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }
}
