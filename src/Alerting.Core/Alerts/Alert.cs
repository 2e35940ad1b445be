using Alerting.Core.Labels;

namespace Alerting.Core.Alerts;

/// <summary>
/// An alert as Alertmanager keeps it (types.Alert). <see cref="Timeout"/> is true when the sender gave
/// no endsAt and we set one from resolve_timeout: such an end time yields to an explicit one on merge.
/// </summary>
public sealed record Alert(
    LabelSet Labels,
    LabelSet Annotations,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    string GeneratorUrl,
    DateTimeOffset UpdatedAt,
    bool Timeout)
{
    public ulong Fingerprint => Labels.Fingerprint;

    public bool Resolved(DateTimeOffset now) => EndsAt <= now;

    /// <summary>
    /// Alertmanager's Put: merge with the stored alert only when their activity ranges overlap;
    /// otherwise the new alert replaces the old one (a re-fire after resolve starts afresh).
    /// </summary>
    public static Alert Combine(Alert? stored, Alert incoming, DateTimeOffset now)
    {
        if (stored is null)
        {
            return incoming;
        }
        var overlaps = (incoming.EndsAt > stored.StartsAt && incoming.EndsAt < stored.EndsAt)
            || (incoming.StartsAt > stored.StartsAt && incoming.StartsAt < stored.EndsAt);
        return overlaps ? Merge(stored, incoming, now) : incoming;
    }

    /// <summary>Alertmanager's Alert.Merge: the newer alert wins, but the earliest start and the latest explicit end are kept.</summary>
    public static Alert Merge(Alert a, Alert o, DateTimeOffset now)
    {
        if (o.UpdatedAt < a.UpdatedAt)
        {
            (a, o) = (o, a);
        }
        var result = o;
        if (a.StartsAt < o.StartsAt)
        {
            result = result with { StartsAt = a.StartsAt };
        }
        if (o.Resolved(now))
        {
            if (a.Resolved(now) && a.EndsAt > o.EndsAt)
            {
                result = result with { EndsAt = a.EndsAt };
            }
        }
        else if (a.EndsAt > o.EndsAt && !a.Timeout)
        {
            result = result with { EndsAt = a.EndsAt };
        }
        return result;
    }
}
