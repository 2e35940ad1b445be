using System.Collections.Concurrent;

namespace Alerting.Delivery;

/// <summary>
/// At most <see cref="PerDestination"/> attempts to one destination at a time: a slow or hanging destination gets a
/// few, the rest wait here in order, not in the bus's consumer slots (there are 64), so the other destinations go on.
/// Once shutdown begins nothing is let in or out of a waiting line again.
/// </summary>
internal sealed class DestinationGates(IHostApplicationLifetime lifetime)
{
    internal const int PerDestination = 16;

    private readonly ConcurrentDictionary<string, Gate> _gates = new(StringComparer.Ordinal);

    internal enum Entry
    {
        /// <summary>A place at the destination is ours: attempt, then <see cref="Leave"/>.</summary>
        Entered,

        /// <summary>Waiting in line; <see cref="Leave"/> hands it to whoever frees a place.</summary>
        Queued,

        /// <summary>The line is full and shutdown has begun: hand the row back.</summary>
        Refused,
    }

    public Entry Enter(PendingSend send)
    {
        var gate = _gates.GetOrAdd(send.Prepared.Target.Destination, _ => new Gate());
        lock (gate)
        {
            if (gate.Running < PerDestination)
            {
                gate.Running++;
                return Entry.Entered;
            }
            // Once shutdown began nothing releases the waiting line again (TakeAllWaiting ran, under this lock): a row
            // that would wait goes back now, for the next instance.
            if (lifetime.ApplicationStopping.IsCancellationRequested)
            {
                return Entry.Refused;
            }
            gate.Waiting.Enqueue(send);
            return Entry.Queued;
        }
    }

    /// <summary>Frees a place at the destination, or hands it to the next in line (unless shutting down): run that one next.</summary>
    public PendingSend? Leave(string destination)
    {
        var gate = _gates[destination];
        lock (gate)
        {
            if (gate.Waiting.Count == 0 || lifetime.ApplicationStopping.IsCancellationRequested)
            {
                gate.Running--;
                return null;
            }
            return gate.Waiting.Dequeue();
        }
    }

    /// <summary>On shutdown: every send still waiting, which never started; the lines are left empty.</summary>
    public List<PendingSend> TakeAllWaiting()
    {
        var all = new List<PendingSend>();
        foreach (var gate in _gates.Values)
        {
            lock (gate)
            {
                all.AddRange(gate.Waiting);
                gate.Waiting.Clear();
            }
        }
        return all;
    }

    private sealed class Gate
    {
        public int Running;
        public readonly Queue<PendingSend> Waiting = new();
    }
}
