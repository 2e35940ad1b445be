using Alerting.Core.Silences;
using Alerting.Flushing;
using Alerting.Grouping;
using Npgsql;

namespace Alerting.Ingestion;

/// <summary>
/// A group an alert makes due at once (group_wait 0) is claimed in the alert's transaction; on the in-memory bus its
/// flush is also decided and committed there: one durable commit for the alert and its notification, and no claim of
/// the dispatcher's, on the way to the receiver. What cannot be decided there goes to the dispatcher.
/// </summary>
internal sealed class InlineFlush(FlushDecisions decisions, FlushCommitter committer, Dispatcher dispatcher, ILogger<InlineFlush> log)
{
    /// <summary>Whether flushes are decided in the ingestion transaction; off for good after that failed once.</summary>
    private volatile bool _enabled = true;

    /// <summary>The instance claimed rows are handed to (in-memory bus), or null (RabbitMQ); see <see cref="FlushCommitter.HandOffTo"/>.</summary>
    public string? HandOffTo => committer.HandOffTo;

    public bool Enabled => _enabled;

    /// <summary>
    /// Decides the claimed groups' flushes and commits them with the alerts. Returns null when they were not decided
    /// here (an inhibit rule needs its sources read): the claim then goes to the dispatcher. A failure of the flush's
    /// own statements is answered 503 (Prometheus sends again) and turns this off, so it cannot refuse alerts twice.
    /// </summary>
    public async Task<FlushCommit?> FlushAndCommitAsync(NpgsqlConnection conn, Claim? claim, List<Silence> silences, string? handOffTo, CancellationToken ct)
    {
        FlushWrites? work = null;
        if (claim is { Groups.Count: > 0 })
        {
            try
            {
                work = decisions.DecideInline(claim, silences);
            }
            catch (Exception e)
            {
                // A bug in deciding must not refuse alerts: the dispatcher decides again in its own pass.
                _enabled = false;
                log.LogError(e, "Deciding a flush in the ingestion transaction failed; flushes are left to the dispatcher from now on");
            }
        }
        await using var last = new NpgsqlBatch(conn);
        work?.AddTo(last, handOffTo);
        last.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
        try
        {
            await using var reader = await last.ExecuteReaderAsync(ct);
            if (work is null)
            {
                while (await reader.NextResultAsync(ct))
                {
                }
                return null;
            }
            return await work.ReadAsync(reader, silences, ct);
        }
        catch (PostgresException e) when (work is not null && e.BatchCommand?.CommandText != "COMMIT")
        {
            // Refused as written (data, integrity, syntax, limits) it would be refused again: stop trying. A deadlock or
            // a restarting server is passing: this batch is refused, the next tries again.
            if (e.SqlState[..2] is "22" or "23" or "42" or "54")
            {
                _enabled = false;
                log.LogError(e, "Writing a flush in the ingestion transaction failed; flushes are left to the dispatcher from now on");
            }
            throw new StoreUnavailableException("the alert store failed, nothing was stored", e);
        }
    }

    /// <summary>After the commit: a flush decided here goes to delivery; a claim left undecided goes to the dispatcher.</summary>
    public async Task CompleteAsync(FlushCommit? flushed, Claim? claim, List<Silence> silences, DateTimeOffset claimedAt, CancellationToken ct)
    {
        if (flushed is not null)
        {
            await committer.CompleteAsync(flushed, claim!.Groups.Count, ct);
        }
        else if (claim is { Groups.Count: > 0 })
        {
            dispatcher.Offer(claim, silences, claimedAt);
        }
    }
}
