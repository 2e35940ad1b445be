using Alerting.Core.Silences;
using Alerting.Grouping;
using Alerting.Persistence;
using Npgsql;

namespace Alerting.Flushing;

/// <summary>
/// Flushes aggregation groups when they are due, on every instance at once: each pass claims due groups
/// with <c>FOR UPDATE SKIP LOCKED</c> and a lease, so no group flushes twice. A flush runs the pipeline
/// (inhibit → time intervals → silence → dedup) and writes what must be sent to the outbox, in the same
/// transaction that moves the group's next flush; delivery then happens from the outbox.
/// </summary>
internal sealed class Dispatcher(
    DueGroups groups,
    SilenceStore silences,
    FlushDecisions decisions,
    FlushCommitter committer,
    DispatchSignal signal,
    ScheduleClock schedule,
    TimeProvider time,
    ILogger<Dispatcher> log) : BackgroundService
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    /// <summary>Claims made by the ingestion writer in its own transaction (<see cref="Offer"/>), waiting for a pass.</summary>
    private readonly System.Collections.Concurrent.ConcurrentQueue<(Claim Claim, List<Silence> Silences, DateTimeOffset ClaimedAt)> _offered = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failed = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                if (failed)
                {
                    await ReleaseClaimsAsync(stoppingToken);
                    failed = false;
                }
                await FollowClockStepAsync(stoppingToken);
                // A pass that has begun is not cut off by shutdown: stopped after its claim or its commit, it would
                // leave groups and outbox rows leased to an instance that is gone, for their leases to free.
                while ((await FlushDueAsync(CancellationToken.None) == GroupRows.ClaimBatchSize || !_offered.IsEmpty) && !stoppingToken.IsCancellationRequested)
                {
                    // A full batch, or claims the writer made meanwhile: more may be due right away.
                }
                wait = await UntilNextDueAsync(stoppingToken);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException && !stoppingToken.IsCancellationRequested)
            {
                log.LogWarning("Dispatch pass failed, retrying: {Error}", e.Message);
                wait = PollInterval;
                failed = true;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // A bug in one pass must not stop dispatching for good: log it loudly and go on.
                log.LogError(e, "Dispatch pass failed unexpectedly, retrying");
                wait = PollInterval;
                failed = true;
            }
            try
            {
                await signal.WaitAsync(wait, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Passes run one at a time, so groups still leased to us between passes were claimed by a pass that failed
    /// (the database went away before its commit): free them now rather than when their lease runs out.
    /// </summary>
    private async Task ReleaseClaimsAsync(CancellationToken ct)
    {
        var released = await groups.ReleaseClaimsAsync(ct);
        if (released > 0)
        {
            log.LogInformation("Released {Count} groups claimed by a failed dispatch pass", released);
        }
    }

    /// <summary>
    /// The instance's clock stepped (see <see cref="ScheduleClock"/>): move the stored schedule with it, so every
    /// group keeps the wait it had left instead of all falling due at once or none for the length of the step.
    /// </summary>
    private async Task FollowClockStepAsync(CancellationToken ct)
    {
        var step = schedule.Pending;
        if (step == TimeSpan.Zero)
        {
            return;
        }
        var moved = await groups.MoveScheduleAsync(step, ct);
        schedule.Applied(step);
        log.LogWarning("The clock stepped by {Step}; the flush schedule of {Groups} groups moved with it", step, moved);
    }

    private async Task<TimeSpan> UntilNextDueAsync(CancellationToken ct)
    {
        if (await groups.NextDueAsync(ct) is not { } due)
        {
            return PollInterval;
        }
        var wait = due - schedule.Now;
        return wait <= TimeSpan.Zero ? TimeSpan.FromMilliseconds(10) : wait < PollInterval ? wait : PollInterval;
    }

    /// <summary>
    /// Takes a claim of due groups that the ingestion writer made in the transaction that made them due, with the
    /// silences it read there, and wakes the dispatcher to flush them: a new group due at once (group_wait 0) then
    /// costs no claim of its own. The groups are leased to this instance like any claim's.
    /// </summary>
    public void Offer(Claim claim, List<Silence> silenceList, DateTimeOffset claimedAt)
    {
        _offered.Enqueue((claim, silenceList, claimedAt));
        signal.Set();
    }

    /// <summary>One pass: claims up to a batch of due groups (or takes an offered claim) and flushes them. Returns how many were flushed.</summary>
    public async Task<int> FlushDueAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var scheduleNow = schedule.Now;
        Claim? claim = null;
        List<Silence> silenceList = [];
        while (claim is null && _offered.TryDequeue(out var offered))
        {
            // A lease may run out while its claim waits (a busy machine, a stuck pass): then someone else may flush those
            // groups. Only claims well within their lease are taken. The others' groups are freed now and claimed again
            // by this pass: left to their lease, they waited up to 15 s more, on top of the delay that made them stale.
            if (scheduleNow - offered.ClaimedAt < GroupRows.ClaimLease / 2)
            {
                (claim, silenceList, _) = offered;
            }
            else
            {
                var freed = await groups.ReleaseStaleAsync(offered.Claim, offered.ClaimedAt, ct);
                log.LogWarning("A claim of {Groups} groups waited {Waited} for a dispatch pass; {Freed} freed to be claimed again",
                    offered.Claim.Groups.Count, scheduleNow - offered.ClaimedAt, freed);
            }
        }
        if (claim is null)
        {
            // Read meanwhile on another connection: one round trip less on a notification's path.
            var silencesTask = silences.ActiveOrPendingAsync(now, ct);
            // Groups fall due on the schedule's clock (see ScheduleClock).
            claim = await groups.ClaimAsync(scheduleNow, ct);
            silenceList = await silencesTask;
        }
        if (claim.Groups.Count == 0)
        {
            return 0;
        }
        var work = await decisions.DecideAsync(claim, silenceList, ct);
        await committer.CommitAsync(work, silenceList, claim.Groups.Count, ct);
        return claim.Groups.Count;
    }

}
