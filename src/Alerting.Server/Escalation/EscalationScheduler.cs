using Npgsql;

namespace Alerting.Escalation;

/// <summary>
/// Runs escalation passes (<see cref="EscalationSteps"/>) on every instance: due steps are claimed with
/// <c>FOR UPDATE SKIP LOCKED</c> and a lease, so each is decided by one instance. Steps live in PostgreSQL, so a
/// restart (or kill -9) only delays them until the next pass, or until a dead instance's lease runs out.
/// </summary>
internal sealed class EscalationScheduler(EscalationSteps steps, TimeProvider time, ILogger<EscalationScheduler> log) : BackgroundService
{
    internal static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // A pass that has begun is not cut off by shutdown: stopped between claim and commit, its steps would wait for their lease.
                while (await steps.RunDueAsync(CancellationToken.None) == Grouping.EscalationRows.ClaimBatchSize && !stoppingToken.IsCancellationRequested)
                {
                    // A full batch: more may be due right away.
                }
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException && !stoppingToken.IsCancellationRequested)
            {
                log.LogWarning("Escalation pass failed, retrying: {Error}", e.Message);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // A bug in one pass must not stop escalation for good.
                log.LogError(e, "Escalation pass failed unexpectedly, retrying");
            }
            try
            {
                await Task.Delay(PollInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
