using Alerting.Persistence;

namespace Alerting.Insights;

internal sealed partial class InsightsQueries
{
    /// <summary>
    /// Silences that started in the period (Alertmanager moves a start in the past to the moment of creation, so for
    /// most this is when they were made), with their durations (an expired one: until it was expired); and those in
    /// effect at some time in the period that held back no alert (<c>first_muted_at</c>, written by the first flush a
    /// silence mutes something in, is unset or after the period), newest first.
    /// </summary>
    public async Task<SilenceInsights> SilencesAsync(InsightsWindow window, CancellationToken ct)
    {
        var (conn, tx) = await BeginAsync(ct);
        await using var _ = conn;
        long created;
        double? median, longest;
        await using (var counts = Command("""
            SELECT count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM ends_at - starts_at)::float8),
                   max(extract(epoch FROM ends_at - starts_at))::float8
            FROM silences WHERE starts_at >= $1 AND starts_at < $2
            """, conn, tx, window))
        {
            await using var reader = await counts.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            (created, median, longest) = (reader.GetInt64(0), NullableDouble(reader, 1), NullableDouble(reader, 2));
        }
        var unused = new List<UnusedSilence>();
        await using (var idle = Command($"""
            SELECT id, created_by, comment, matchers::text, starts_at, ends_at FROM silences
            WHERE starts_at < $2 AND ends_at > $1 AND ends_at > starts_at AND (first_muted_at IS NULL OR first_muted_at >= $2)
            ORDER BY starts_at DESC, id LIMIT {UnusedSilencesShown}
            """, conn, tx, window))
        {
            await using var reader = await idle.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                unused.Add(new UnusedSilence(reader.GetGuid(0).ToString(), reader.GetString(1), reader.GetString(2),
                    LabelJson.ReadMatchers(reader.GetString(3)).ToString(), reader.GetFieldValue<DateTimeOffset>(4), reader.GetFieldValue<DateTimeOffset>(5)));
            }
        }
        return new SilenceInsights(created, median, longest, unused);
    }
}
