using Alerting.Configuration;
using Alerting.Core.Labels;
using Alerting.Persistence;
using Npgsql;
using NpgsqlTypes;
using Route = Alerting.Core.Routing.Route;

namespace Alerting.Grouping;

/// <summary>
/// Puts alerts into aggregation groups as Alertmanager's dispatcher does: every matching route gives a
/// group keyed by the route and the alert's group_by labels. Groups and memberships live in PostgreSQL
/// and are written in the ingestion transaction, so an acknowledged alert is always grouped.
/// A group is identified by its route's id and its group key (<see cref="Route.GroupId"/>): sibling routes with
/// identical matchers share the key, yet each has its own group, as in Alertmanager.
/// </summary>
internal sealed class GroupRouter(ConfigHolder config, DispatchSignal signal, ScheduleClock schedule)
{
    /// <summary>
    /// Every group each alert would join, by the running routes. Ingestion (Ingestion.AlertWriter) keeps
    /// only those of alerts it wrote as new or firing again, and dates each new group's first flush from the stored
    /// start. <see cref="Candidates.MayBeDueNow"/> says whether one may be due at once: only an alert not
    /// <paramref name="knownFiring"/> can join a group, and only one older than its group_wait makes it due at once.
    /// </summary>
    public Candidates CandidatesFor(IEnumerable<(ulong Fingerprint, LabelSet Labels, DateTimeOffset StartsAt)> alerts, DateTimeOffset now,
        Func<ulong, bool> knownFiring)
    {
        var route = config.Current.Route;
        var c = new Candidates(schedule.Now);
        foreach (var (fingerprint, labels, startsAt) in alerts)
        {
            var mayJoin = !knownFiring(fingerprint);
            foreach (var r in route.Match(labels))
            {
                var groupLabels = r.GroupLabels(labels);
                var id = r.GroupId(groupLabels);
                c.Fingerprints.Add(unchecked((long)fingerprint));
                c.Keys.Add(id.GroupKey);
                c.Routes.Add(id.RouteId);
                c.Receivers.Add(r.Receiver);
                c.Labels.Add(LabelJson.Write(groupLabels));
                c.Waits.Add(r.GroupWait);
                // Alertmanager flushes a new group at once when its first alert is older than group_wait.
                c.MayBeDueNow |= mayJoin && startsAt + r.GroupWait <= now;
            }
        }
        return c;
    }

    public void SignalDue() => signal.Set();
}

/// <summary>Candidate memberships of alerts being written (<see cref="GroupRouter.CandidatesFor"/>), as statement parameters.</summary>
internal sealed class Candidates(DateTimeOffset scheduleNow)
{
    public DateTimeOffset ScheduleNow { get; } = scheduleNow;
    public List<long> Fingerprints { get; } = [];
    public List<string> Keys { get; } = [];
    public List<string> Routes { get; } = [];
    public List<string> Receivers { get; } = [];
    public List<string> Labels { get; } = [];
    public List<TimeSpan> Waits { get; } = [];
    public bool MayBeDueNow { get; set; }

    /// <summary>
    /// Adds, in this order, the six arrays <c>cand</c> unnests (fingerprint, key, route, receiver, group labels, group_wait)
    /// and the time on the schedule's clock its first flushes are dated from.
    /// </summary>
    public void AddParameters(NpgsqlParameterCollection parameters)
    {
        parameters.Add(SqlArray.Of(Fingerprints.ToArray(), NpgsqlDbType.Bigint));
        parameters.Add(SqlArray.Of(Keys.ToArray(), NpgsqlDbType.Text));
        parameters.Add(SqlArray.Of(Routes.ToArray(), NpgsqlDbType.Text));
        parameters.Add(SqlArray.Of(Receivers.ToArray(), NpgsqlDbType.Text));
        parameters.Add(SqlArray.OfJson([.. Labels]));
        parameters.Add(SqlArray.Of(Waits.ToArray(), NpgsqlDbType.Interval));
        parameters.Add(new NpgsqlParameter { Value = ScheduleNow.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
    }

    /// <summary>What a new group's first flush is compared with to tell it is due now; PostgreSQL rounds to microseconds, possibly up.</summary>
    public NpgsqlParameter DueNowParameter() =>
        new() { Value = ScheduleNow.AddMilliseconds(1).UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz };
}
