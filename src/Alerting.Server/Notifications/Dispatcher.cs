using Alerting.Alerts;
using Alerting.Configuration;
using Alerting.Grouping;
using Alerting.Hosting;
using Alerting.Inhibition;
using Alerting.Labels;
using Alerting.Metrics;
using Alerting.Notifications.Pipeline;
using Alerting.Persistence;
using Alerting.Routing;
using Alerting.Silences;
using Npgsql;
using NpgsqlTypes;
using Route = Alerting.Routing.Route;

namespace Alerting.Notifications;

/// <summary>
/// Flushes aggregation groups when they are due, on every instance at once: each pass claims due groups
/// with <c>FOR UPDATE SKIP LOCKED</c> and a lease, so no group flushes twice. A flush runs the pipeline
/// (inhibit → time intervals → silence → dedup) and writes what must be sent to the outbox, in the same
/// transaction that moves the group's next flush; delivery then happens from the outbox.
/// </summary>
internal sealed class Dispatcher(
    NpgsqlDataSource db,
    RelaxedDb relaxed,
    GenericPlanDb durable,
    ConfigHolder config,
    DispatchSignal signal,
    SilenceStore silences,
    OutboxPublisher publisher,
    Delivery delivery,
    ServerOptions options,
    ScheduleClock schedule,
    InstanceInfo instance,
    AlertingMetrics metrics,
    TimeProvider time,
    ILogger<Dispatcher> log) : BackgroundService
{
    internal const int BatchSize = 200;
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    /// <summary>A claim only covers one pass (well under a second); after a crash mid-pass the group is free again soon.</summary>
    internal static readonly TimeSpan Lease = TimeSpan.FromSeconds(15);

    /// <summary>Claims made by the ingestion writer in its own transaction (<see cref="Offer"/>), waiting for a pass.</summary>
    private readonly System.Collections.Concurrent.ConcurrentQueue<(Claim Claim, List<Silence> Silences, DateTimeOffset ClaimedAt)> _offered = new();

    /// <summary>
    /// The lease owner of the writer's claims: a failed pass frees the dispatcher's own claims (<see cref="ReleaseClaimsAsync"/>),
    /// not these, which may still be waiting to be flushed.
    /// </summary>
    public static string WriterClaimOwner(string instance) => instance + "/writer";

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
                while ((await FlushDueAsync(CancellationToken.None) == BatchSize || !_offered.IsEmpty) && !stoppingToken.IsCancellationRequested)
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
        await using var cmd = db.CreateCommand("UPDATE aggregation_groups SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = instance.Name });
        var released = await cmd.ExecuteNonQueryAsync(ct);
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
        await using var cmd = db.CreateCommand("UPDATE aggregation_groups SET next_flush_at = next_flush_at + $1, lease_until = lease_until + $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = step, NpgsqlDbType = NpgsqlDbType.Interval });
        var moved = await cmd.ExecuteNonQueryAsync(ct);
        schedule.Applied(step);
        log.LogWarning("The clock stepped by {Step}; the flush schedule of {Groups} groups moved with it", step, moved);
    }

    private async Task<TimeSpan> UntilNextDueAsync(CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT min(next_flush_at) FROM aggregation_groups");
        var next = await cmd.ExecuteScalarAsync(ct);
        if (next is not DateTime due)
        {
            return PollInterval;
        }
        var wait = new DateTimeOffset(due, TimeSpan.Zero) - schedule.Now;
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
        var runtime = config.Current;
        Claim? claim = null;
        List<Silence> silenceList = [];
        while (claim is null && _offered.TryDequeue(out var offered))
        {
            // A lease may run out while its claim waits (a stuck pass): then someone else may flush those groups. Only
            // claims well within their lease are taken; the others' groups are claimed again once their lease is over.
            if (scheduleNow - offered.ClaimedAt < Lease / 2)
            {
                (claim, silenceList, _) = offered;
            }
            else
            {
                log.LogWarning("A claim of {Groups} groups waited {Waited} for a dispatch pass; left to its lease", offered.Claim.Groups.Count, scheduleNow - offered.ClaimedAt);
            }
        }
        if (claim is null)
        {
            // Read meanwhile on another connection: one round trip less on a notification's path.
            var silencesTask = silences.ActiveOrPendingAsync(now, ct);
            // Groups fall due on the schedule's clock (see ScheduleClock).
            claim = await ClaimAsync(scheduleNow, ct);
            silenceList = await silencesTask;
        }
        if (claim.Groups.Count == 0)
        {
            return 0;
        }
        var work = Decide(runtime, claim, await BuildInhibitorAsync(runtime, claim.Members, now, ct), silenceList, now, scheduleNow);
        var handOffTo = HandOffTo;
        var commit = await work.CommitAsync(handOffTo is not null && work.HasSends ? durable.Source : relaxed.GenericPlans, handOffTo, silenceList, ct);
        await CompleteAsync(commit, claim.Groups.Count, ct);
        return claim.Groups.Count;
    }

    /// <summary>
    /// On the in-memory bus every message comes back to this instance: new outbox rows are claimed for it in the
    /// flush's commit and sent at once, which saves the delivery claim's round trip and the bus hop. That commit is
    /// then durable, as the claim's was: nothing is sent on a decision a PostgreSQL crash could undo. On RabbitMQ (null
    /// here) the bus spreads the sends over the instances.
    /// </summary>
    public string? HandOffTo => options.RabbitMqUrl is null ? instance.Name : null;

    /// <summary>
    /// Decides the flushes of a claim the ingestion writer made, for it to commit in its own transaction: a group made
    /// due at once (group_wait 0) is then decided and recorded in the commit that stores its alert. Null when an
    /// inhibit rule's sources must be read first: the claim then goes to a pass (<see cref="Offer"/>).
    /// </summary>
    public FlushWrites? DecideInline(Claim claim, List<Silence> silenceList)
    {
        var runtime = config.Current;
        var now = time.GetUtcNow();
        return NeededInhibitRules(runtime, claim.Members).Count > 0
            ? null
            : Decide(runtime, claim, new Inhibitor([], [], now), silenceList, now, schedule.Now);
    }

    /// <summary>After a flush's commit: its claimed rows go to delivery, the rest to the bus.</summary>
    public async Task CompleteAsync(FlushCommit commit, int groups, CancellationToken ct)
    {
        foreach (var row in commit.HandOffs)
        {
            delivery.HandOff(row);
        }
        await publisher.PublishAllAsync(commit.Publish, ct);
        metrics.DispatcherFlushes.Inc(groups);
    }

    private static FlushWrites Decide(RuntimeConfig runtime, Claim claim, Inhibitor inhibitor, List<Silence> silenceList, DateTimeOffset now, DateTimeOffset scheduleNow)
    {
        var routes = runtime.Route.Walk().ToDictionary(r => r.Id(), StringComparer.Ordinal);
        var pipeline = new FlushPipeline(
            inhibitor,
            silenceList.Where(s => s.State(now) == SilenceState.Active).ToList(),
            runtime.Config.TimeIntervals.ToDictionary(t => t.Name, StringComparer.Ordinal));
        var work = new FlushWrites(now);
        foreach (var group in claim.Groups)
        {
            if (!routes.TryGetValue(group.RouteId, out var route))
            {
                // The route went away in a reload; reconciliation regroups its alerts.
                work.DeleteGroup(group.Id);
                continue;
            }
            var alerts = claim.Members.TryGetValue(group.Id, out var list) ? list : [];
            Flush(runtime, route, group, alerts, claim.Logs, pipeline, work, now, scheduleNow);
        }
        return work;
    }

    private static void Flush(RuntimeConfig runtime, Route route, ClaimedGroup group, List<(Alert Alert, string State)> members,
        Dictionary<(string, string, string), NotificationLogEntry> logs, FlushPipeline pipeline, FlushWrites work, DateTimeOffset now, DateTimeOffset scheduleNow)
    {
        var receiver = runtime.Config.FindReceiver(group.Receiver);
        var integrations = receiver is null ? [] : Integrations.Of(receiver)
            .Select(i => new IntegrationState(i.Name, i.SendResolved, logs.GetValueOrDefault((group.Key, group.Receiver, i.Name))))
            .ToList();
        var alerts = members.Select(m => m.Alert).ToList();
        var result = pipeline.Run(route, alerts, integrations, now, group.Acknowledged);

        // Lifecycle: record suppression changes; released alerts go back to what their receiver knows.
        foreach (var (alert, state) in members)
        {
            var fp = alert.Fingerprint;
            if (alert.Resolved(now))
            {
                continue;
            }
            if (result.Suppressed.TryGetValue(fp, out var why))
            {
                if (state != "suppressed")
                {
                    work.SetState(fp, "suppressed", group.Key, why.Describe());
                }
            }
            else if (state == "suppressed")
            {
                var notified = integrations.Any(i => i.LastSent?.FiringAlerts.Contains(fp) == true);
                work.SetState(fp, notified ? "firing" : "pending", group.Key, "no longer suppressed");
            }
        }

        foreach (var send in result.Sends)
        {
            if (send.Alerts.Count == 0)
            {
                // send_resolved off and nothing fires: nothing to send, but the log must learn it (Alertmanager does the same).
                work.LogWithoutSending(group.Key, group.Receiver, send);
                continue;
            }
            var snapshot = OutboxSnapshot.Create(group.Receiver, group.Key, group.Labels, send.Alerts, now);
            work.Send(group.Key, group.Receiver, send, snapshot, deadline: now + route.GroupInterval);
        }

        // A resolved alert leaves the group once no integration still believes it fires and nothing is in flight.
        var inFlight = result.Sends.Any(s => s.Alerts.Count > 0) || group.HasOutbox;
        if (!inFlight)
        {
            foreach (var alert in alerts.Where(a => a.Resolved(now)))
            {
                var fp = alert.Fingerprint;
                if (integrations.All(i => i.LastSent?.FiringAlerts.Contains(fp) != true))
                {
                    work.RemoveMember(group.Id, fp);
                }
            }
        }
        work.Reschedule(group.Id, scheduleNow + route.GroupInterval, deleteIfEmpty: !inFlight);
    }

    /// <summary>
    /// Claims up to a batch of due groups and reads their members and what each integration was last told, in one
    /// statement: a round trip less on a notification's path. The reads are lateral, per claimed group, so they are
    /// index lookups (a plain join on the lease just written was planned as a scan of every membership, 70 ms in a
    /// storm). What an integration was told is kept by group key and receiver, as Alertmanager's notification log is:
    /// groups of sibling routes with identical matchers and the same receiver share it.
    /// </summary>
    private async Task<Claim> ClaimAsync(DateTimeOffset now, CancellationToken ct)
    {
        // A claim lost in a database crash only lets the group be claimed again. Not the forced-generic pool: it
        // made the former member read a 6.3 ms scan. PostgreSQL still settles on a generic plan here after a few
        // calls, but the lateral reads depend on the claimed rows, not on parameters, so they stay index lookups.
        await using var conn = await relaxed.Source.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(conn) { BatchCommands = { ClaimStatement(instance.Name, now) } };
        await using var reader = await batch.ExecuteReaderAsync(ct);
        return await ReadClaimAsync(reader, now, ct);
    }

    /// <summary>
    /// The claim as one statement, for <see cref="ClaimAsync"/> and for the writer's transaction; its rows are read by
    /// <see cref="ReadClaimAsync"/>. One row per member, log entry and pending send ('m', 'l', 'o'), or one with kind
    /// NULL for a group with none. A pending send counts as told (deciding it again would send it twice), so it
    /// overrides the log entry. The locked rows are updated by ctid: joined on the key, the update was planned as a
    /// hash join over every group (5 ms with 10k groups). A row changed since the statement began is locked but not
    /// updated (its new version is not in the statement's snapshot): it is claimed by the next pass, never twice.
    /// </summary>
    public static NpgsqlBatchCommand ClaimStatement(string owner, DateTimeOffset now)
    {
        var claim = new NpgsqlBatchCommand("""
            WITH c AS (
                UPDATE aggregation_groups g SET lease_owner = $1, lease_until = $3
                FROM (SELECT ctid FROM aggregation_groups
                      WHERE next_flush_at <= $2 AND (lease_until IS NULL OR lease_until < $2)
                      ORDER BY next_flush_at LIMIT $4 FOR UPDATE SKIP LOCKED) due
                WHERE g.ctid = due.ctid
                RETURNING g.group_key, g.route_id, g.receiver, g.group_labels,
                          EXISTS (SELECT 1 FROM outbox o WHERE o.group_key = g.group_key AND o.receiver = g.receiver) AS has_outbox,
                          g.acknowledged_at IS NOT NULL AS acknowledged
            )
            SELECT c.group_key, c.route_id, c.receiver, c.group_labels, c.has_outbox, c.acknowledged, x.*
            FROM c LEFT JOIN LATERAL (
                SELECT 'm' AS kind, a.labels, a.annotations, a.starts_at, a.ends_at, a.generator_url, a.updated_at, a.timeout, a.state,
                       NULL AS integration, NULL AS firing_alerts, NULL AS resolved_alerts, NULL AS sent_at
                FROM group_members m JOIN alerts a ON a.fingerprint = m.fingerprint
                WHERE m.group_key = c.group_key AND m.route_id = c.route_id
                UNION ALL
                SELECT 'l', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, l.integration, l.firing_alerts, l.resolved_alerts, l.sent_at
                FROM notification_log l WHERE l.group_key = c.group_key AND l.receiver = c.receiver
                UNION ALL
                SELECT 'o', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, o.integration, o.firing_alerts, o.resolved_alerts, NULL
                FROM outbox o WHERE o.group_key = c.group_key AND o.receiver = c.receiver
            ) x ON true
            """);
        claim.Parameters.Add(new NpgsqlParameter { Value = owner });
        claim.Parameters.Add(new NpgsqlParameter { Value = now.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        claim.Parameters.Add(new NpgsqlParameter { Value = (now + Lease).UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        claim.Parameters.Add(new NpgsqlParameter { Value = BatchSize });
        return claim;
    }

    /// <summary>Reads the rows of <see cref="ClaimStatement"/>, the reader on its result.</summary>
    public static async Task<Claim> ReadClaimAsync(NpgsqlDataReader reader, DateTimeOffset now, CancellationToken ct)
    {
        var claimed = new Dictionary<AggregationGroupId, ClaimedGroup>();
        var memberMap = new Dictionary<AggregationGroupId, List<(Alert, string)>>();
        var logMap = new Dictionary<(string, string, string), NotificationLogEntry>();
        var pending = new List<((string, string, string) Target, NotificationLogEntry Entry)>();
        {
            while (await reader.ReadAsync(ct))
            {
                // Every row repeats its group's columns: parse them once.
                var id = new AggregationGroupId(reader.GetString(1), reader.GetString(0));
                if (!claimed.TryGetValue(id, out var group))
                {
                    claimed[id] = group = new ClaimedGroup(reader.GetString(0), reader.GetString(1), reader.GetString(2),
                        LabelJson.Read(reader.GetString(3)), reader.GetBoolean(4), reader.GetBoolean(5));
                }
                if (reader.IsDBNull(6))
                {
                    continue;
                }
                var kind = reader.GetString(6);
                if (kind == "m")
                {
                    var alert = new Alert(
                        LabelJson.Read(reader.GetString(7)), LabelJson.Read(reader.GetString(8)),
                        reader.GetFieldValue<DateTimeOffset>(9), reader.GetFieldValue<DateTimeOffset>(10),
                        reader.GetString(11), reader.GetFieldValue<DateTimeOffset>(12), reader.GetBoolean(13));
                    if (!memberMap.TryGetValue(id, out var list))
                    {
                        memberMap[id] = list = [];
                    }
                    list.Add((alert, reader.GetString(14)));
                    continue;
                }
                var target = (group.Key, group.Receiver, reader.GetString(15));
                var firing = Fingerprints(reader.GetFieldValue<long[]>(16));
                var resolved = Fingerprints(reader.GetFieldValue<long[]>(17));
                if (kind == "o")
                {
                    pending.Add((target, new NotificationLogEntry(firing, resolved, now)));
                }
                else
                {
                    logMap[target] = new NotificationLogEntry(firing, resolved, reader.GetFieldValue<DateTimeOffset>(18));
                }
            }
        }
        // After the log entries, whatever order the rows came in.
        foreach (var (target, entry) in pending)
        {
            logMap[target] = entry;
        }
        return new Claim([.. claimed.Values], memberMap, logMap);
    }

    /// <summary>
    /// The sources that could mute an alert of the claimed groups. Only firing alerts inhibit, and only the rules
    /// some member is a target of matter; for those, only alerts sharing a target's first equal label are loaded
    /// (the inhibitor checks the rest). Loading every firing alert on each pass cost tens of milliseconds per
    /// notification with 10k alerts stored.
    /// </summary>
    private async Task<Inhibitor> BuildInhibitorAsync(RuntimeConfig runtime, Dictionary<AggregationGroupId, List<(Alert Alert, string State)>> members, DateTimeOffset now, CancellationToken ct)
    {
        var rules = runtime.InhibitRules;
        var needed = NeededInhibitRules(runtime, members);
        if (needed.Count == 0)
        {
            return new Inhibitor([], [], now);
        }
        var firing = new Dictionary<ulong, Alert>();
        foreach (var (rule, targets) in needed)
        {
            var cmd = rule.Equal.Count == 0
                ? db.CreateCommand("SELECT labels, ends_at FROM alerts WHERE ends_at > $1")
                : db.CreateCommand("SELECT labels, ends_at FROM alerts WHERE ends_at > $1 AND coalesce(labels->>$2, '') = ANY($3)");
            await using (cmd)
            {
                cmd.Parameters.Add(new NpgsqlParameter { Value = now.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
                if (rule.Equal.Count > 0)
                {
                    cmd.Parameters.Add(new NpgsqlParameter { Value = rule.Equal[0] });
                    cmd.Parameters.Add(new NpgsqlParameter
                    {
                        Value = targets.Select(t => t.Get(rule.Equal[0])).Distinct(StringComparer.Ordinal).ToArray(),
                        NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text,
                    });
                }
                await using var reader = await cmd.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    var labels = LabelJson.Read(reader.GetString(0));
                    firing.TryAdd(labels.Fingerprint, new Alert(labels, LabelSet.Empty, now, reader.GetFieldValue<DateTimeOffset>(1), "", now, false));
                }
            }
        }
        return new Inhibitor(rules, firing.Values, now);
    }

    /// <summary>The inhibit rules some member is a target of, with those targets' labels.</summary>
    private static List<(InhibitRule Rule, List<LabelSet> Targets)> NeededInhibitRules(RuntimeConfig runtime, Dictionary<AggregationGroupId, List<(Alert Alert, string State)>> members) =>
        runtime.InhibitRules
            .Select(r => (Rule: r, Targets: members.Values.SelectMany(m => m).Select(m => m.Alert.Labels).Where(r.TargetMatchers.Matches).ToList()))
            .Where(x => x.Targets.Count > 0)
            .ToList();

    /// <summary>Fingerprints are stored as signed bigint; the domain uses the unsigned hash.</summary>
    private static HashSet<ulong> Fingerprints(long[] stored) => [.. stored.Select(f => unchecked((ulong)f))];

    /// <summary>Claimed groups, their members with their states, and what each integration was last told.</summary>
    internal sealed record Claim(List<ClaimedGroup> Groups, Dictionary<AggregationGroupId, List<(Alert Alert, string State)>> Members,
        Dictionary<(string, string, string), NotificationLogEntry> Logs);

    internal sealed record ClaimedGroup(string Key, string RouteId, string Receiver, LabelSet Labels, bool HasOutbox, bool Acknowledged)
    {
        public AggregationGroupId Id => new(RouteId, Key);
    }
}
