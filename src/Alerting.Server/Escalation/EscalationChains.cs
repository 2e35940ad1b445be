using Alerting.Core.Routing;
using Alerting.Grouping;
using Npgsql;
using NpgsqlTypes;

namespace Alerting.Escalation;

/// <summary>One step of a chain as the UI shows it: who it tells, when, and what became of it.</summary>
internal sealed record EscalationChainStep(
    int Step,
    string Receiver,
    TimeSpan After,
    DateTimeOffset DueAt,
    string State,
    DateTimeOffset? SentAt,
    DateTimeOffset? StoppedAt,
    string? StoppedReason,
    string? StoppedBy)
{
    /// <summary>True when the step's receiver was told (a sent step may since have been stopped, after telling it the end).</summary>
    public bool Told => SentAt is not null;
}

/// <summary>A group's latest escalation chain, with the group's acknowledgement (null when the group is gone or not acknowledged).</summary>
internal sealed record EscalationChain(AggregationGroupId Group, DateTimeOffset StartedAt, string? AcknowledgedBy, DateTimeOffset? AcknowledgedAt, IReadOnlyList<EscalationChainStep> Steps)
{
    /// <summary>The next step still to fall due, if any.</summary>
    public EscalationChainStep? Next => Steps.FirstOrDefault(s => s.State == EscalationRows.Pending);

    /// <summary>Why the chain stopped (acknowledged, resolved…), from its first stopped step that was never sent.</summary>
    public EscalationChainStep? StoppedBy => Steps.FirstOrDefault(s => s.State == EscalationRows.Stopped && !s.Told) ?? Steps.FirstOrDefault(s => s.State == EscalationRows.Stopped);
}

/// <summary>
/// Reads escalation chains for the UI and the link pages: one query, read-only (only Grouping.EscalationRows writes
/// the table). A group keeps its older chains in the table; only the latest is shown.
/// </summary>
internal sealed class EscalationChains(NpgsqlDataSource db)
{
    /// <summary>The latest chain of each group with one among those of <paramref name="groupKeys"/> (any route).</summary>
    public async Task<IReadOnlyList<EscalationChain>> ForGroupKeysAsync(IEnumerable<string> groupKeys, CancellationToken ct)
    {
        var keys = groupKeys.Distinct(StringComparer.Ordinal).ToArray();
        if (keys.Length == 0)
        {
            return [];
        }
        await using var cmd = db.CreateCommand("""
            SELECT e.route_id, e.group_key, e.chain_started_at, e.step, e.receiver, e.after, e.due_at, e.state,
                   e.sent_at, e.stopped_at, e.stopped_reason, e.stopped_by, g.acknowledged_by, g.acknowledged_at
            FROM escalations e
            LEFT JOIN aggregation_groups g ON g.group_key = e.group_key AND g.route_id = e.route_id
            WHERE e.group_key = ANY($1)
              AND e.chain_started_at = (SELECT max(l.chain_started_at) FROM escalations l WHERE l.group_key = e.group_key AND l.route_id = e.route_id)
            ORDER BY e.group_key, e.route_id, e.step
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = keys, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        var chains = new List<EscalationChain>();
        List<EscalationChainStep>? steps = null;
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var group = new AggregationGroupId(reader.GetString(0), reader.GetString(1));
            if (chains.Count == 0 || chains[^1].Group != group)
            {
                steps = [];
                chains.Add(new EscalationChain(group, reader.GetFieldValue<DateTimeOffset>(2), NullableString(reader, 12), NullableTime(reader, 13), steps));
            }
            steps!.Add(new EscalationChainStep(reader.GetInt32(3), reader.GetString(4), reader.GetTimeSpan(5), reader.GetFieldValue<DateTimeOffset>(6),
                reader.GetString(7), NullableTime(reader, 8), NullableTime(reader, 9), NullableString(reader, 10), NullableString(reader, 11)));
        }
        return chains;
    }

    /// <summary>The latest chains of the given groups, by group.</summary>
    public async Task<IReadOnlyDictionary<AggregationGroupId, EscalationChain>> ForGroupsAsync(IEnumerable<AggregationGroupId> groups, CancellationToken ct)
    {
        var wanted = groups.ToHashSet();
        var chains = await ForGroupKeysAsync(wanted.Select(g => g.GroupKey), ct);
        return chains.Where(c => wanted.Contains(c.Group)).ToDictionary(c => c.Group);
    }

    private static string? NullableString(NpgsqlDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetString(i);

    private static DateTimeOffset? NullableTime(NpgsqlDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetFieldValue<DateTimeOffset>(i);
}
