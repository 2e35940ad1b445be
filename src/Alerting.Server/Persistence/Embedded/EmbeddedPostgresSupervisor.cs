using Polly;
using Polly.Retry;

namespace Alerting.Persistence.Embedded;

/// <summary>
/// Watches the embedded cluster and starts it again when its postmaster exits (the OOM killer, a kill -9): on the
/// same data directory and port, first at once, then with exponential back-off (Polly: 1 s doubling to 30 s, with
/// jitter) while attempts fail. After <paramref name="restartAttempts"/> failed attempts in a row it reports the
/// process unhealthy (<c>/-/healthy</c> answers 503), so that an orchestrator restarts it; it keeps trying meanwhile
/// and is healthy again after a restart that works.
/// </summary>
internal sealed class EmbeddedPostgresSupervisor(
    EmbeddedPostgres postgres, int restartAttempts, TimeProvider time, ILogger<EmbeddedPostgresSupervisor> logger) : BackgroundService
{
    /// <summary>How often the postmaster's process is looked at (a read of /proc).</summary>
    internal static readonly TimeSpan CheckEvery = TimeSpan.FromMilliseconds(250);

    private int _restarts;
    private int _failures;
    private int _failuresInARow;
    private int _down;

    /// <summary>Restarts that brought the server back.</summary>
    public int Restarts => Volatile.Read(ref _restarts);

    /// <summary>Restart attempts that failed.</summary>
    public int Failures => Volatile.Read(ref _failures);

    public int FailuresInARow => Volatile.Read(ref _failuresInARow);

    public int RestartAttempts => restartAttempts;

    /// <summary>The server is down and <see cref="RestartAttempts"/> restarts in a row failed.</summary>
    public bool GaveUp => FailuresInARow >= restartAttempts;

    /// <summary>False from the moment the postmaster is seen gone until it is back.</summary>
    public bool Up => Volatile.Read(ref _down) == 0;

    /// <summary>Runs after each restart that worked (the host empties its connection pools).</summary>
    public event Action? Restarted;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var pipeline = Pipeline();
        using var timer = new PeriodicTimer(CheckEvery, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (postgres.IsRunning)
                {
                    continue;
                }

                var seen = time.GetTimestamp();
                Volatile.Write(ref _down, 1);
                logger.LogError(
                    "PostgreSQL (pid {Pid}) exited; starting it again on 127.0.0.1:{Port} (data in {DataDirectory})",
                    postgres.PostmasterPid, postgres.Port, postgres.Paths.DataDirectory);
                await pipeline.ExecuteAsync(async ct => await postgres.RestartAsync(ct), stoppingToken);
                Interlocked.Increment(ref _restarts);
                Volatile.Write(ref _failuresInARow, 0);
                Volatile.Write(ref _down, 0);
                logger.LogWarning(
                    "PostgreSQL is back (pid {Pid}, port {Port}) {Seconds:0.0} s after it was seen gone; restart {Count}",
                    postgres.PostmasterPid, postgres.Port, time.GetElapsedTime(seen).TotalSeconds, Restarts);
                Restarted?.Invoke();
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down, or the server is being stopped: the host stops it itself.
        }
    }

    private ResiliencePipeline Pipeline() => new ResiliencePipelineBuilder { TimeProvider = time }
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(e => e is not OperationCanceledException),
            MaxRetryAttempts = int.MaxValue,
            BackoffType = DelayBackoffType.Exponential,
            Delay = TimeSpan.FromSeconds(1),
            MaxDelay = TimeSpan.FromSeconds(30),
            UseJitter = true,
            OnRetry = args =>
            {
                Interlocked.Increment(ref _failures);
                var inARow = Interlocked.Increment(ref _failuresInARow);
                logger.LogError(
                    args.Outcome.Exception,
                    "Restarting PostgreSQL failed ({InARow} in a row); next try in {Delay:0.0} s",
                    inARow, args.RetryDelay.TotalSeconds);
                if (inARow == restartAttempts)
                {
                    logger.LogCritical(
                        "PostgreSQL could not be restarted {Attempts} times in a row: /-/healthy now answers 503 so that the process is restarted",
                        inARow);
                }

                return ValueTask.CompletedTask;
            },
        })
        .Build();
}
