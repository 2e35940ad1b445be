using Alerting.Core.Notifications.Pipeline;
using Alerting.Core.Routing;
using Alerting.Core.Silences;
using Alerting.Grouping;
using Alerting.Outbox;
using Alerting.Persistence;
using Npgsql;

namespace Alerting.Flushing;

/// <summary>
/// Everything one dispatcher pass decided, written in one transaction with set-based statements:
/// outbox rows, group schedules, members that left, alert states and their history.
/// </summary>
internal sealed class FlushWrites(DateTimeOffset now)
{
    private readonly List<OutboxSend> _sends = [];
    private readonly List<(AggregationGroupId Group, DateTimeOffset Next, bool DeleteIfEmpty)> _reschedules = [];
    private readonly List<AggregationGroupId> _deletedGroups = [];
    private readonly List<(AggregationGroupId Group, long Fingerprint)> _removed = [];
    private readonly List<(long Fingerprint, string State)> _states = [];
    private readonly AlertEvents _events = new();

    /// <summary>
    /// A send to one integration of a receiver, by group key. Groups of sibling routes with identical matchers and the
    /// same receiver share that target (as they share Alertmanager's notification log): if both send in one pass, the
    /// later decision replaces the earlier, as a later flush replaces a snapshot still in flight.
    /// </summary>
    /// <remarks>The row keeps the current span's context (the group's flush decision): its sends join that trace.</remarks>
    public void Send(string group, string receiver, SendDecision send, OutboxSnapshot snapshot, DateTimeOffset deadline)
    {
        _sends.RemoveAll(s => s.Group == group && s.Receiver == receiver && s.Send.Integration == send.Integration);
        _sends.Add(new OutboxSend(group, receiver, send, snapshot, deadline, Telemetry.AlertingActivities.CurrentTraceParent()));
    }

    private readonly List<(string Group, string Receiver, SendDecision Send)> _logged = [];

    public void LogWithoutSending(string group, string receiver, SendDecision send)
    {
        _logged.RemoveAll(s => s.Group == group && s.Receiver == receiver && s.Send.Integration == send.Integration);
        _logged.Add((group, receiver, send));
    }

    private readonly List<(AggregationGroupId Group, IReadOnlyList<Core.Configuration.EscalationStepConfig> Steps)> _escalations = [];

    /// <summary>The group notifies with alerts firing: its escalation chain starts now unless one is live (<see cref="EscalationRows.Start"/>).</summary>
    public void StartEscalation(AggregationGroupId group, IReadOnlyList<Core.Configuration.EscalationStepConfig> steps) => _escalations.Add((group, steps));

    public void Reschedule(AggregationGroupId group, DateTimeOffset next, bool deleteIfEmpty) => _reschedules.Add((group, next, deleteIfEmpty));

    public void DeleteGroup(AggregationGroupId group) => _deletedGroups.Add(group);

    /// <summary>Takes a resolved alert out of the group, unless it fired again meanwhile; its history records it then (<see cref="GroupRows.RemoveMembers"/>).</summary>
    public void RemoveMember(AggregationGroupId group, ulong fingerprint) => _removed.Add((group, unchecked((long)fingerprint)));

    public void SetState(ulong fingerprint, string state, string group, string detail)
    {
        _states.Add((unchecked((long)fingerprint), state));
        _events.Add(unchecked((long)fingerprint), now, state == "suppressed" ? "suppressed" : "unsuppressed", group, detail);
    }

    private readonly HashSet<Guid> _muting = [];

    /// <summary>Silences that held an alert back in this pass: the first time is kept for insights ("matched nothing").</summary>
    public void Muted(IEnumerable<string> silenceIds)
    {
        foreach (var id in silenceIds)
        {
            if (Guid.TryParse(id, out var guid))
            {
                _muting.Add(guid);
            }
        }
    }

    public bool HasSends => _sends.Count > 0;

    /// <summary>
    /// Commits. All statements go in one batch, one round trip, and run in order in the implicit transaction
    /// PostgreSQL gives a batch: each sees what the ones before it wrote, and either all of them commit or none does.
    /// With <paramref name="handOffTo"/>, new outbox rows are claimed for that instance in the same commit, with what
    /// their sends read (Grafana's links, acknowledgements), and come back as <see cref="FlushCommit.HandOffs"/>; such a
    /// commit must be durable, as it stands in for the delivery claim's. Other rows come back to be published.
    /// </summary>
    public async Task<FlushCommit> CommitAsync(NpgsqlDataSource db, string? handOffTo, IReadOnlyList<Silence> silences, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(conn);
        AddTo(batch, handOffTo);
        if (batch.BatchCommands.Count == 0)
        {
            return new FlushCommit([], []);
        }
        await using var reader = await batch.ExecuteReaderAsync(ct);
        return await ReadAsync(reader, silences, ct);
    }

    private bool _handOff;
    private int _inserts;

    /// <summary>
    /// Alerts in the snapshots of one outbox insert, at most (a snapshot is never split). A backend holds a statement's
    /// parameters until it ends and keeps that heap afterwards: one insert of 50 snapshots of 400 alerts left tens of MB
    /// in each writer's backend in the soak. The inserts still go in the one batch and commit.
    /// </summary>
    internal const int MaxAlertsPerInsert = 2_000;

    /// <summary>
    /// Adds the statements to a batch, first in it: the caller may add its own after them (the ingestion writer adds
    /// its COMMIT), and reads the results with <see cref="ReadAsync"/>.
    /// </summary>
    public void AddTo(NpgsqlBatch batch, string? handOffTo)
    {
        var handOff = _handOff = handOffTo is not null && _sends.Count > 0;
        var commands = batch.BatchCommands;

        // The statements that return rows come first, in this order; the reads for a hand-off see nothing this batch changes.
        if (_sends.Count > 0)
        {
            // Not claimable by the sweeper for a while: the publish (or the send) right after commit should win.
            // A send runs on: its lease is renewed while it is in flight (OutboxLeases).
            _inserts = 0;
            foreach (var chunk in Chunks(_sends))
            {
                commands.Add(OutboxStore.Insert(chunk, now, now + OutboxPublisher.PublishGrace, handOff ? handOffTo : null));
                _inserts++;
            }
        }
        if (handOff)
        {
            commands.Add(OutboxStore.GrafanaLinks(_sends.SelectMany(s => s.Send.Firing.Concat(s.Send.Resolved)).Select(f => unchecked((long)f))));
            commands.Add(OutboxStore.GroupAcknowledgements(_sends.Select(s => s.Group)));
        }
        if (_logged.Count > 0)
        {
            commands.Add(OutboxStore.LogAll(_logged, now));
        }
        // The pass's history before its removals' (RemoveMembers writes those): an alert's state change, then its leaving.
        if (_events.Count > 0)
        {
            var insert = new NpgsqlBatchCommand(AlertEvents.InsertSql);
            _events.AddParameters(insert);
            commands.Add(insert);
        }
        if (_removed.Count > 0)
        {
            commands.Add(GroupRows.RemoveMembers(_removed, resolvedAt: now));
        }
        if (_states.Count > 0)
        {
            commands.Add(AlertRows.SetStates([.. _states.Select(s => s.Fingerprint)], [.. _states.Select(s => s.State)], now));
        }
        if (_reschedules.Count > 0)
        {
            commands.Add(GroupRows.Reschedule(_reschedules.Select(r => (r.Group, r.Next)).ToList()));
            // A group with no members and nothing in flight is gone, as Alertmanager destroys empty groups.
            commands.Add(GroupRows.DeleteIfEmpty(_reschedules.Where(r => r.DeleteIfEmpty).Select(r => r.Group).ToList()));
        }
        if (_deletedGroups.Count > 0)
        {
            foreach (var delete in GroupRows.Delete(_deletedGroups))
            {
                commands.Add(delete);
            }
        }
        if (_muting.Count > 0)
        {
            commands.Add(SilenceStore.MarkFirstMuted(_muting, now));
        }
        if (_escalations.Count > 0)
        {
            commands.Add(EscalationRows.Start(_escalations, now));
        }
    }

    /// <summary>Reads what <see cref="AddTo"/>'s statements return, and on through the rest of the batch, so that a failed statement or commit throws here.</summary>
    public async Task<FlushCommit> ReadAsync(NpgsqlDataReader reader, IReadOnlyList<Silence> silences, CancellationToken ct)
    {
        if (_sends.Count == 0)
        {
            // Nothing returns rows; the whole result is read so that any statement's error surfaces here.
            while (await reader.NextResultAsync(ct))
            {
            }
            return new FlushCommit([], []);
        }
        var (publish, handed) = await OutboxStore.ReadInserted(reader, ct);
        for (var i = 1; i < _inserts; i++)
        {
            await reader.NextResultAsync(ct);
            var (morePublish, moreHanded) = await OutboxStore.ReadInserted(reader, ct);
            publish.AddRange(morePublish);
            handed.AddRange(moreHanded);
        }
        var links = new Dictionary<string, Templating.GrafanaLinks>(StringComparer.Ordinal);
        var acks = new Dictionary<(string, string), (string, DateTimeOffset)>();
        if (_handOff)
        {
            await reader.NextResultAsync(ct);
            links = await OutboxStore.ReadGrafanaLinksAsync(reader, ct);
            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                acks.TryAdd((reader.GetString(0), reader.GetString(1)),
                    (reader.IsDBNull(2) ? "someone" : reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3)));
            }
        }
        // The rest return no rows; reading through them surfaces a failed statement, and the commit, before any send.
        while (await reader.NextResultAsync(ct))
        {
        }
        var active = silences.ToList();
        var commit = new FlushCommit(publish, []);
        var snapshots = _sends.ToDictionary(s => (s.Group, s.Receiver, s.Send.Integration), s => s.Snapshot);
        foreach (var row in handed)
        {
            // The insert does not return the payload (see OutboxStore.Insert): the row goes with the snapshot it stored.
            commit.HandOffs.Add(new ClaimedRow(row, links, acks.TryGetValue((row.GroupKey, row.Receiver), out var ack) ? ack : null, active,
                snapshots[(row.GroupKey, row.Receiver, row.Integration)]));
        }
        return commit;
    }

    /// <summary>The sends in order, cut where the next would take a chunk past <see cref="MaxAlertsPerInsert"/> alerts.</summary>
    internal static IEnumerable<List<OutboxSend>> Chunks(IReadOnlyList<OutboxSend> sends)
    {
        var chunk = new List<OutboxSend>();
        var alerts = 0;
        foreach (var send in sends)
        {
            if (chunk.Count > 0 && alerts + send.Snapshot.Alerts.Count > MaxAlertsPerInsert)
            {
                yield return chunk;
                chunk = [];
                alerts = 0;
            }
            chunk.Add(send);
            alerts += send.Snapshot.Alerts.Count;
        }
        if (chunk.Count > 0)
        {
            yield return chunk;
        }
    }
}

/// <summary>What a flush commit leaves to do: rows to publish to the bus, and rows claimed for this instance to send at once.</summary>
internal sealed record FlushCommit(List<PublishRow> Publish, List<ClaimedRow> HandOffs);
