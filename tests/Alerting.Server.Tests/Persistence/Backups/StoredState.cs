using Npgsql;

namespace Alerting.Persistence.Backups;

/// <summary>A notification log row: when the group was last told, and which alerts (fingerprints) were firing then.</summary>
internal sealed record LogRow(DateTime SentAt, IReadOnlySet<long> Firing);

/// <summary>
/// What a database holds that a backup must bring back: the alerts (by name, with fingerprints), the silences and the
/// notification log. Read just before and just after a dump, it brackets the dump's moment.
/// </summary>
internal sealed record StoredState(IReadOnlyDictionary<string, long> Alerts, IReadOnlySet<Guid> Silences, IReadOnlyDictionary<string, LogRow> Log)
{
    public static async Task<StoredState> ReadAsync(string connectionString)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        // One snapshot for the three reads.
        await using var tx = await conn.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead);
        var alerts = new Dictionary<string, long>(StringComparer.Ordinal);
        await using (var cmd = new NpgsqlCommand("SELECT labels->>'alertname', fingerprint FROM alerts", conn, tx))
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                alerts[reader.GetString(0)] = reader.GetInt64(1);
            }
        }
        var silences = new HashSet<Guid>();
        await using (var cmd = new NpgsqlCommand("SELECT id FROM silences", conn, tx))
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                silences.Add(reader.GetGuid(0));
            }
        }
        var log = new Dictionary<string, LogRow>(StringComparer.Ordinal);
        await using (var cmd = new NpgsqlCommand("SELECT group_key, sent_at, firing_alerts FROM notification_log WHERE receiver = 'hook'", conn, tx))
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                log[reader.GetString(0)] = new LogRow(reader.GetFieldValue<DateTime>(1), reader.GetFieldValue<long[]>(2).ToHashSet());
            }
        }
        await tx.CommitAsync();
        return new StoredState(alerts, silences, log);
    }

    /// <summary>Whether this state's log records <paramref name="alertNames"/> as the group's last send.</summary>
    public bool Logged(string groupKey, IReadOnlyList<string> alertNames) =>
        Log.TryGetValue(groupKey, out var row)
        && alertNames.All(Alerts.ContainsKey)
        && row.Firing.SetEquals(alertNames.Select(n => Alerts[n]));

    /// <summary>What is in this state but not between <paramref name="before"/> and <paramref name="after"/>, described; empty when all fits.</summary>
    public List<string> OutsideOf(StoredState before, StoredState after)
    {
        var problems = new List<string>();
        problems.AddRange(before.Alerts.Keys.Where(a => !Alerts.ContainsKey(a)).Select(a => $"alert {a} stored before the dump is missing"));
        problems.AddRange(Alerts.Keys.Where(a => !after.Alerts.ContainsKey(a)).Select(a => $"alert {a} restored but never stored"));
        problems.AddRange(before.Silences.Where(s => !Silences.Contains(s)).Select(s => $"silence {s} created before the dump is missing"));
        problems.AddRange(Silences.Where(s => !after.Silences.Contains(s)).Select(s => $"silence {s} restored but never created"));
        foreach (var (group, row) in before.Log)
        {
            if (!Log.TryGetValue(group, out var restored) || restored.SentAt < row.SentAt || restored.SentAt > after.Log[group].SentAt)
            {
                problems.Add($"log of {group}: sent_at {row.SentAt:O} before the dump, {restored?.SentAt:O} restored, {after.Log[group].SentAt:O} after");
            }
        }
        problems.AddRange(Log.Keys.Where(g => !after.Log.ContainsKey(g)).Select(g => $"log of {g} restored but never written"));
        return problems;
    }
}
