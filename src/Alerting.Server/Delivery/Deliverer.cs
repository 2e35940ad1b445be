using System.Collections.Concurrent;
using Alerting.Outbox;
using Alerting.Persistence;

namespace Alerting.Delivery;

/// <summary>
/// Sends one outbox row: claims it with a lease (<see cref="OutboxStore"/>), renders its message
/// (<see cref="MessagePreparer"/>), waits for a place at its destination (<see cref="DestinationGates"/>) and makes
/// one attempt (<see cref="AttemptRunner"/>, through the destination's Polly pipeline). A retryable failure defers the row
/// (retries go on until the flush's deadline); success writes the notification log and removes the row in one
/// transaction. A failed send leaves the notification log alone, so the next flush sends again.
/// </summary>
internal sealed class Deliverer(
    OutboxStore store,
    MessagePreparer preparer,
    DestinationGates gates,
    AttemptRunner attempts,
    StoreRetry retry,
    InFlightRows inFlight,
    IHostApplicationLifetime lifetime,
    ILogger<Deliverer> log) : IHostedService, IOutboxSender
{
    private readonly ConcurrentDictionary<Task, byte> _background = new();

    private enum Followup
    {
        /// <summary>Sent, failed for good, deferred for a retry, or not ours: nothing more to do now.</summary>
        Done,

        /// <summary>Handed back with a newer snapshot to send: publish it again.</summary>
        Again,

        /// <summary>Waiting for its destination (claimed, lease kept); it runs when an attempt there finishes.</summary>
        Queued,
    }

    /// <summary>The bus's entry: claims the row and sends it.</summary>
    public async Task DeliverAsync(long id, CancellationToken ct)
    {
        if (!inFlight.TryTake(id))
        {
            return;
        }
        await RunAsync(id, () => ClaimAndSendAsync(id, ct), ct);
    }

    /// <summary>
    /// Sends a row that the flush which made it also claimed for this instance, in a durable commit with what the
    /// send reads (see Flushing.Dispatcher): the claim's round trip and the bus hop are saved. Runs in the
    /// background; once shutdown has begun, the row goes back to the outbox unsent, for the next instance.
    /// </summary>
    public void HandOff(ClaimedRow claimed)
    {
        var id = claimed.Row.Id;
        if (!inFlight.TryTake(id))
        {
            return;
        }
        var stopping = lifetime.ApplicationStopping;
        Track(Task.Run(async () =>
        {
            try
            {
                await RunAsync(id, async () =>
                {
                    if (!stopping.IsCancellationRequested)
                    {
                        return await SendClaimedAsync(claimed, stopping);
                    }
                    await store.ReleaseAsync(id, CancellationToken.None);
                    return Followup.Done;
                }, CancellationToken.None);
            }
            catch (Exception e)
            {
                // No bus to report it to: log it; the row's lease runs out and it is sent again.
                log.LogError(e, "Delivering outbox row {Id} failed unexpectedly", id);
            }
        }));
    }

    /// <summary>
    /// Claims and sends a row here, as a message from the bus would, in the background: the bus is down, and the row
    /// would otherwise wait for it. The claim decides who sends, so a message for it that the broker delivers later
    /// finds it sent (or in flight here) and does nothing.
    /// </summary>
    public void SendHere(long outboxId)
    {
        if (!inFlight.TryTake(outboxId))
        {
            return;
        }
        var stopping = lifetime.ApplicationStopping;
        Track(Task.Run(async () =>
        {
            try
            {
                await RunAsync(outboxId, () => ClaimAndSendAsync(outboxId, stopping), CancellationToken.None);
            }
            catch (Exception e)
            {
                // Its lease (or, unclaimed, the sweeper) brings the row back.
                log.LogError(e, "Delivering outbox row {Id} failed unexpectedly", outboxId);
            }
        }));
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStopping.Register(ReleaseWaiting);
        return Task.CompletedTask;
    }

    /// <summary>Runs after the bus has stopped: attempts started from the waiting lines finish and are recorded.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        ReleaseWaiting();
        try
        {
            // Hand-offs may start more background work while the first ones finish: wait until none is left.
            while (!_background.IsEmpty)
            {
                await Task.WhenAll(_background.Keys).WaitAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // The host's shutdown timeout: what is still running is the documented window.
        }
    }

    private void Track(Task task)
    {
        _background[task] = 0;
        _ = task.ContinueWith(t => _background.TryRemove(t, out _), TaskScheduler.Default);
    }

    private async Task RunAsync(long id, Func<Task<Followup>> work, CancellationToken ct)
    {
        var outcome = Followup.Done;
        try
        {
            outcome = await work();
        }
        catch (Exception e) when (DatabaseOutage.Is(e))
        {
            // Not the bus's problem: the row stays in the outbox, and the sweeper brings it back once it is free.
            log.LogWarning("Delivering outbox row {Id} stopped, database unavailable: {Error}", id, e.Message);
        }
        finally
        {
            if (outcome != Followup.Queued)
            {
                inFlight.Done(id);
            }
        }
        if (outcome == Followup.Again)
        {
            await attempts.PublishAsync(id, ct);
        }
    }

    private async Task<Followup> ClaimAndSendAsync(long id, CancellationToken ct)
    {
        ClaimedRow? claimed;
        try
        {
            claimed = await store.ClaimAsync(id, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutdown cut the claim off; it may have been committed all the same. Hand the row back, unsent.
            await store.ReleaseAsync(id, CancellationToken.None);
            return Followup.Done;
        }
        return claimed is null
            ? Followup.Done // delivered already, or another instance holds it
            : await SendClaimedAsync(claimed, ct);
    }

    private async Task<Followup> SendClaimedAsync(ClaimedRow claimed, CancellationToken ct)
    {
        var row = claimed.Row;
        Prepared? prepared;
        try
        {
            prepared = await preparer.PrepareAsync(claimed, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutdown came before the send: the row goes back now, for the next instance, not after its lease.
            await store.ReleaseAsync(row.Id, CancellationToken.None);
            return Followup.Done;
        }
        catch (Exception e) when (DatabaseOutage.Is(e))
        {
            // Nothing was sent: hand the row back as soon as the database answers, and send it then.
            log.LogWarning("Preparing {Receiver}/{Integration} for {Group} failed, database unavailable: {Error}", row.Receiver, row.Integration, row.GroupKey, e.Message);
            return await retry.RunAsync(row.Id, () => store.ReleaseAsync(row.Id, CancellationToken.None), ct) ? Followup.Again : Followup.Done;
        }
        if (prepared is null)
        {
            return await attempts.DropAsync(row, ct) ? Followup.Again : Followup.Done;
        }

        var send = new PendingSend(row, prepared);
        attempts.Sending(send);
        switch (gates.Enter(send))
        {
            case DestinationGates.Entry.Queued:
                return Followup.Queued;
            case DestinationGates.Entry.Refused:
                await store.ReleaseAsync(row.Id, CancellationToken.None);
                return Followup.Done;
        }
        try
        {
            return await attempts.AttemptAsync(send, ct) ? Followup.Again : Followup.Done;
        }
        finally
        {
            Leave(prepared.Target.Destination);
        }
    }

    /// <summary>Frees a place at the destination and, unless shutting down, starts the next row waiting for it.</summary>
    private void Leave(string destination)
    {
        if (gates.Leave(destination) is { } next)
        {
            Track(Task.Run(() => RunQueuedAsync(next)));
        }
    }

    private async Task RunQueuedAsync(PendingSend send)
    {
        var again = false;
        try
        {
            again = await attempts.AttemptAsync(send, lifetime.ApplicationStopping);
        }
        catch (Exception e) when (DatabaseOutage.Is(e))
        {
            log.LogWarning("Delivering outbox row {Id} stopped, database unavailable: {Error}", send.Row.Id, e.Message);
        }
        catch (Exception e)
        {
            // A bug must not lose the place at the destination; the row's lease runs out and it is sent again.
            log.LogError(e, "Delivering outbox row {Id} failed unexpectedly", send.Row.Id);
        }
        finally
        {
            inFlight.Done(send.Row.Id);
            Leave(send.Prepared.Target.Destination);
        }
        if (again)
        {
            await attempts.PublishAsync(send.Row.Id, CancellationToken.None);
        }
    }

    /// <summary>On shutdown, rows still waiting for their destination never started: they go back at once.</summary>
    private void ReleaseWaiting()
    {
        foreach (var send in gates.TakeAllWaiting())
        {
            var id = send.Row.Id;
            Track(Task.Run(async () =>
            {
                try
                {
                    await store.ReleaseAsync(id, CancellationToken.None);
                }
                catch (Exception e) when (DatabaseOutage.Is(e))
                {
                    // Its lease runs out by itself.
                }
                finally
                {
                    inFlight.Done(id);
                }
            }));
        }
    }
}
