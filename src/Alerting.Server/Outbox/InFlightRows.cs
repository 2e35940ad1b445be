using System.Collections.Concurrent;

namespace Alerting.Outbox;

/// <summary>
/// The outbox rows this instance is working on now. One row is never worked on twice at once here, whatever a
/// repeated message or a jumping clock says; <see cref="OutboxLeases"/> keeps their leases alive.
/// </summary>
internal sealed class InFlightRows
{
    private readonly ConcurrentDictionary<long, byte> _ids = new();

    /// <summary>False when the row is in flight here already.</summary>
    public bool TryTake(long id) => _ids.TryAdd(id, 0);

    public void Done(long id) => _ids.TryRemove(id, out _);

    public long[] Ids => [.. _ids.Keys];
}
