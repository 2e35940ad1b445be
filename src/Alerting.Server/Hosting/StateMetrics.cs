using Alerting.Alerts;
using Alerting.Core.Silences;
using Alerting.Metrics;
using Alerting.Persistence;
using Npgsql;

namespace Alerting.Hosting;

/// <summary>Gauges of current state are computed when Prometheus scrapes, from the store of truth.</summary>
internal static class StateMetrics
{
    public static void Register(IServiceProvider services)
    {
        var metrics = services.GetRequiredService<AlertingMetrics>();
        metrics.Registry.AddBeforeCollectCallback(async ct =>
        {
            try
            {
                var views = await services.GetRequiredService<AlertQuery>().ActiveAsync(ct);
                metrics.Alerts.WithLabels("active").Set(views.Count(v => !v.Suppressed));
                metrics.Alerts.WithLabels("suppressed").Set(views.Count(v => v.Suppressed));
                var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
                var silences = await services.GetRequiredService<SilenceStore>().ListAsync(ct);
                foreach (var state in Enum.GetValues<SilenceState>())
                {
                    metrics.Silences.WithLabels(state.ToString().ToLowerInvariant()).Set(silences.Count(s => s.State(now) == state));
                }
                await using var cmd = services.GetRequiredService<NpgsqlDataSource>().CreateCommand("""
                    SELECT (SELECT count(*) FROM aggregation_groups), (SELECT count(*) FROM outbox),
                           (SELECT coalesce(extract(epoch FROM $1 - min(created_at)), 0)::float8 FROM outbox),
                           (SELECT count(*) FROM instances WHERE last_seen >= $2)
                    """);
                cmd.Parameters.Add(new NpgsqlParameter { Value = now.UtcDateTime, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
                cmd.Parameters.Add(new NpgsqlParameter { Value = (now - Ui.InstanceHeartbeat.LiveFor).UtcDateTime, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
                await using var reader = await cmd.ExecuteReaderAsync(ct);
                if (await reader.ReadAsync(ct))
                {
                    metrics.AggregationGroups.Set(reader.GetInt64(0));
                    metrics.OutboxDepth.Set(reader.GetInt64(1));
                    metrics.OutboxOldestAge.Set(reader.GetDouble(2));
                    metrics.ClusterMembers.Set(reader.GetInt64(3));
                }

            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                // A scrape during a database outage still answers, with the last known values.
            }
        });
    }
}
