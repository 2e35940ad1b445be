using System.Data;
using Alerting.Core.Labels;
using Npgsql;
using NpgsqlTypes;

namespace Alerting.Insights;

/// <summary>
/// The time range one report covers, [From, To): the whole days [WholeFrom, WholeTo) are read from the daily rollups,
/// the closed hours [HourFrom, WholeFrom) and [WholeTo, HourTo) from the hourly ones, the edges [From, HourFrom) and
/// [HourTo, To) from the history (<see cref="InsightsRollups.Window"/>).
/// </summary>
internal sealed record InsightsWindow(
    DateTimeOffset From, DateTimeOffset To, DateTimeOffset HourFrom, DateTimeOffset HourTo, DateTimeOffset WholeFrom, DateTimeOffset WholeTo);

/// <summary>
/// Reads the insights of a period from the history the engine keeps (alert_events, notification_attempts, silences):
/// whole days and hours from the rollups (<see cref="InsightsRollups"/>), the rest (under an hour at each edge) from the history through the BRIN
/// indexes on its time columns. Each section is one read-only statement; see docs/api.md ("Insights") for what each
/// figure means and docs/benchmarks.md for their speed.
/// </summary>
internal sealed partial class InsightsQueries(NpgsqlDataSource db, InsightsRollups rollups, TimeProvider time)
{
    /// <summary>Rows in each "top" list (noisiest alerts, groups, flapping alerts).</summary>
    public const int TopCount = 20;

    /// <summary>Alerts that fired and resolved more than this many times flap, unless the caller says otherwise.</summary>
    public const int DefaultFlappingCycles = 3;

    /// <summary>Silences that matched nothing, newest first, at most this many.</summary>
    public const int UnusedSilencesShown = 100;

    public async Task<InsightsReport> ReadAsync(InsightsPeriod period, CancellationToken ct, int flappingMin = DefaultFlappingCycles)
    {
        var window = await PrepareAsync(period, ct);
        // One after the other: each is a full statement, and running them side by side only makes them compete.
        var alerts = await NoisiestAlertsAsync(window, ct);
        var groups = await NoisiestGroupsAsync(window, ct);
        var flapping = await FlappingAsync(window, flappingMin, ct);
        var (byReceiver, byAlertName) = await ResponseTimesAsync(window, ct);
        var channels = await ChannelsAsync(window, ct);
        var silences = await SilencesAsync(window, ct);
        return new InsightsReport(period.Name, window.From, window.To, alerts, groups, flapping, byReceiver, byAlertName, channels, silences);
    }

    /// <summary>The period ending now, with the rollups it needs made.</summary>
    public async Task<InsightsWindow> PrepareAsync(InsightsPeriod period, CancellationToken ct)
    {
        var to = time.GetUtcNow();
        var window = InsightsRollups.Window(to - period.Length, to);
        await rollups.EnsureAsync(window, ct);
        return window;
    }

    /// <summary>Each section by name, for bench/insights.sh to time one at a time.</summary>
    public IReadOnlyList<(string Name, Func<InsightsWindow, CancellationToken, Task> Run)> Sections =>
    [
        ("noisiest alerts", NoisiestAlertsAsync),
        ("noisiest groups", NoisiestGroupsAsync),
        ("flapping", (w, ct) => FlappingAsync(w, DefaultFlappingCycles, ct)),
        ("response times", ResponseTimesAsync),
        ("channels per day", ChannelsAsync),
        ("silences", SilencesAsync),
    ];

    /// <summary>
    /// A read-only transaction for one section: memory to sort and hash a month of history without spilling to disk,
    /// no JIT (the many index probes make the estimates large, and compiling cost more than it saved), and a time
    /// limit, so that an insights page never holds a connection the engine needs for long.
    /// </summary>
    private async Task<(NpgsqlConnection Connection, NpgsqlTransaction Transaction)> BeginAsync(CancellationToken ct)
    {
        var conn = await db.OpenConnectionAsync(ct);
        try
        {
            var tx = await conn.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
            await using var set = new NpgsqlCommand("SET LOCAL work_mem = '64MB'; SET LOCAL jit = off; SET LOCAL statement_timeout = '30s'; SET TRANSACTION READ ONLY", conn, tx);
            await set.ExecuteNonQueryAsync(ct);
            return (conn, tx);
        }
        catch
        {
            await conn.DisposeAsync();
            throw;
        }
    }

    private static NpgsqlCommand Command(string sql, NpgsqlConnection conn, NpgsqlTransaction tx, InsightsWindow window)
    {
        var cmd = new NpgsqlCommand(sql, conn, tx);
        cmd.Parameters.Add(new NpgsqlParameter { Value = window.From.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter { Value = window.To.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter { Value = window.HourFrom.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter { Value = window.HourTo.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter { Value = InsightsRollups.Day(window.WholeFrom), NpgsqlDbType = NpgsqlDbType.Date });
        cmd.Parameters.Add(new NpgsqlParameter { Value = InsightsRollups.Day(window.WholeTo), NpgsqlDbType = NpgsqlDbType.Date });
        cmd.Parameters.Add(new NpgsqlParameter { Value = window.WholeFrom.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter { Value = window.WholeTo.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        return cmd;
    }

    private static string FingerprintOf(long fingerprint) => Fingerprint.Format(unchecked((ulong)fingerprint));

    private static LabelSet LabelsOf(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? LabelSet.Empty : Persistence.LabelJson.Read(reader.GetString(ordinal));

    private static double? NullableDouble(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetDouble(ordinal);

    /// <summary>A percentile_cont(ARRAY[…]) result: null when the group had no value.</summary>
    private static double[]? Percentiles(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<double[]>(ordinal);
}
