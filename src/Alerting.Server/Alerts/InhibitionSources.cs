using Alerting.Core.Alerts;
using Alerting.Core.Inhibition;
using Alerting.Core.Labels;
using Alerting.Persistence;
using Npgsql;
using NpgsqlTypes;

namespace Alerting.Alerts;

/// <summary>
/// The firing alerts that could mute some of the given targets, read for a flush or an escalation step. Only firing
/// alerts inhibit, and only the rules some target matches matter; for those, only alerts sharing a target's first
/// equal label are loaded (the inhibitor checks the rest). Loading every firing alert on each pass cost tens of
/// milliseconds per notification with 10k alerts stored.
/// </summary>
internal static class InhibitionSources
{
    /// <summary>Whether any rule has one of the targets as its target: if not, nothing needs reading.</summary>
    public static bool Needed(IReadOnlyList<InhibitRule> rules, IEnumerable<LabelSet> targets) => Rules(rules, targets).Count > 0;

    public static async Task<Inhibitor> ReadAsync(NpgsqlDataSource db, IReadOnlyList<InhibitRule> rules, IEnumerable<LabelSet> targets,
        DateTimeOffset now, CancellationToken ct)
    {
        var needed = Rules(rules, targets);
        if (needed.Count == 0)
        {
            return new Inhibitor([], [], now);
        }
        var firing = new Dictionary<ulong, Alert>();
        foreach (var (rule, ruleTargets) in needed)
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
                    cmd.Parameters.Add(SqlArray.Of(ruleTargets.Select(t => t.Get(rule.Equal[0])).Distinct(StringComparer.Ordinal).ToArray(), NpgsqlDbType.Text));
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

    /// <summary>The rules some target matches, with those targets' labels.</summary>
    private static List<(InhibitRule Rule, List<LabelSet> Targets)> Rules(IReadOnlyList<InhibitRule> rules, IEnumerable<LabelSet> targets)
    {
        var all = targets as IReadOnlyCollection<LabelSet> ?? targets.ToList();
        return rules
            .Select(r => (Rule: r, Targets: all.Where(r.TargetMatchers.Matches).ToList()))
            .Where(x => x.Targets.Count > 0)
            .ToList();
    }
}
