using System.Globalization;
using Alerting.Infrastructure;
using Npgsql;

namespace Alerting.Faults;

/// <summary>A kill -9 as the test saw it: when, and the groups whose outbox rows the killed instance held (sends not committed).</summary>
internal sealed record Kill(DateTime At, string Instance, IReadOnlySet<string> HeldRows);

/// <summary>
/// The accounts a fault test keeps: what was stored, what each group's last notification must hold, and which
/// repeated notifications fall in the one documented window (a kill after the receiver got the send, before the commit).
/// </summary>
internal static class Ledger
{
    /// <summary>Alert name → its group key, for every alert in the store.</summary>
    public static async Task<Dictionary<string, string>> StoredAsync(string connectionString)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT labels->>'alertname', labels->>'grp' FROM alerts", conn);
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result[reader.GetString(0)] = $"{{}}:{{grp=\"{(reader.IsDBNull(1) ? "" : reader.GetString(1))}\"}}";
        }
        return result;
    }

    /// <summary>Groups of outbox rows that <paramref name="instanceLike"/> (a LIKE pattern) holds right now.</summary>
    public static async Task<HashSet<string>> HeldRowsAsync(string connectionString, string instanceLike)
    {
        var held = new HashSet<string>(StringComparer.Ordinal);
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT group_key FROM outbox WHERE lease_owner LIKE $1", conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = instanceLike });
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            held.Add(reader.GetString(0));
        }
        return held;
    }

    public static async Task<long> CountAsync(string connectionString, string sql) =>
        Convert.ToInt64(await Sql.QueryAsync(connectionString, sql), CultureInfo.InvariantCulture);

    /// <summary>
    /// Groups whose last delivered notification does not hold exactly their stored alerts, and stored alerts no
    /// delivered notification mentioned. Both empty means every due notification was delivered.
    /// </summary>
    public static (List<string> GroupsBehind, List<string> Untold) Missing(IReadOnlyDictionary<string, string> stored, IReadOnlyList<Arrival> delivered, string path)
    {
        var told = delivered.Where(a => a.Path == path).SelectMany(a => a.Alerts).ToHashSet(StringComparer.Ordinal);
        var last = delivered.Where(a => a.Path == path).GroupBy(a => a.GroupKey, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.MaxBy(a => a.ArrivedAt)!.Alerts.ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
        var behind = stored.GroupBy(s => s.Value, StringComparer.Ordinal)
            .Where(g => !last.TryGetValue(g.Key, out var set) || !set.SetEquals(g.Select(s => s.Key)))
            .Select(g => g.Key)
            .ToList();
        return (behind, [.. stored.Keys.Where(n => !told.Contains(n))]);
    }

    /// <summary>
    /// Every extra copy of a notification (same receiver, group, status and alert set), split by cause: in the
    /// documented window when the previous copy reached the receiver after the kill before and before this kill, the
    /// killed instance still held the group's outbox row (no commit), and the copy came after the kill; anything else
    /// is unexplained.
    /// </summary>
    /// <summary>
    /// Extra copies a receiver that honours <c>Idempotency-Key</c> would still act on: per notification, its distinct
    /// keys beyond the first (a copy without the header counts as its own key).
    /// </summary>
    public static int DuplicatesDespiteKeys(IReadOnlyList<Arrival> delivered) =>
        delivered.GroupBy(a => a.Identity, StringComparer.Ordinal)
            .Sum(g => g.Select((a, i) => a.IdempotencyKey.Length > 0 ? a.IdempotencyKey : $"none {i}").Distinct(StringComparer.Ordinal).Count() - 1);

    public static (int Window, List<string> Unexplained) Duplicates(IReadOnlyList<Arrival> delivered, IReadOnlyList<Kill> kills)
    {
        var sorted = kills.OrderBy(k => k.At).ToList();
        var windows = sorted.Select((k, i) => (From: i == 0 ? DateTime.MinValue : sorted[i - 1].At, Kill: k)).ToList();
        var window = 0;
        var unexplained = new List<string>();
        foreach (var copies in delivered.GroupBy(a => a.Identity, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            var ordered = copies.OrderBy(a => a.ArrivedAt).ToList();
            for (var i = 1; i < ordered.Count; i++)
            {
                var (before, again) = (ordered[i - 1], ordered[i]);
                if (windows.Any(w => w.From < before.ArrivedAt && before.ArrivedAt < w.Kill.At && again.ArrivedAt > w.Kill.At && w.Kill.HeldRows.Contains(again.GroupKey)))
                {
                    window++;
                }
                else
                {
                    unexplained.Add(string.Create(CultureInfo.InvariantCulture,
                        $"{again.Path} {again.GroupKey} ({again.Alerts.Count} alerts) at {before.ArrivedAt:HH:mm:ss.fff} and {again.ArrivedAt:HH:mm:ss.fff}"));
                }
            }
        }
        return (window, unexplained);
    }
}
