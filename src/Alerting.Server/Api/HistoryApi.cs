using System.Text.Json.Serialization;
using Alerting.Labels;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using NpgsqlTypes;

namespace Alerting.Api;

/// <summary>
/// Our addition: what happened to an alert or a group — every state change and every send attempt.
/// Answers "who was told what, when, and why not".
/// </summary>
internal static class HistoryApi
{
    private const int Limit = 1000;

    public static void MapHistoryApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v2/history");
        group.MapGet("/alerts/{fingerprint}", ForAlert).RequireAccess(Access.Read);
        group.MapGet("/groups", ForGroup).RequireAccess(Access.Read);
    }

    private static async Task<Results<Ok<History>, BadRequest<string>>> ForAlert(string fingerprint, NpgsqlDataSource db, CancellationToken ct)
    {
        if (!Fingerprint.TryParse(fingerprint, out var fp))
        {
            return TypedResults.BadRequest($"\"{fingerprint}\" is not a fingerprint (16 hex digits)");
        }
        var key = unchecked((long)fp);
        var events = await EventsAsync(db, "fingerprint = $1", new NpgsqlParameter { Value = key }, ct);
        var attempts = await AttemptsAsync(db, "alerts @> ARRAY[$1]::bigint[]", new NpgsqlParameter { Value = key }, ct);
        return TypedResults.Ok(new History(fingerprint, null, events, attempts));
    }

    private static async Task<Results<Ok<History>, BadRequest<string>>> ForGroup(string? groupKey, NpgsqlDataSource db, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(groupKey))
        {
            return TypedResults.BadRequest("groupKey is required, e.g. ?groupKey={}:{alertname=\"Disk\"}");
        }
        var events = await EventsAsync(db, "group_key = $1", new NpgsqlParameter { Value = groupKey }, ct);
        var attempts = await AttemptsAsync(db, "group_key = $1", new NpgsqlParameter { Value = groupKey }, ct);
        return TypedResults.Ok(new History(null, groupKey, events, attempts));
    }

    private static async Task<List<HistoryEvent>> EventsAsync(NpgsqlDataSource db, string where, NpgsqlParameter p, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"SELECT at, fingerprint, event, group_key, detail FROM alert_events WHERE {where} ORDER BY at, id LIMIT {Limit}");
        cmd.Parameters.Add(p);
        var result = new List<HistoryEvent>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result.Add(new HistoryEvent(reader.GetFieldValue<DateTimeOffset>(0), Fingerprint.Format(unchecked((ulong)reader.GetInt64(1))),
                reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4)));
        }
        return result;
    }

    private static async Task<List<HistoryAttempt>> AttemptsAsync(NpgsqlDataSource db, string where, NpgsqlParameter p, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            SELECT at, group_key, receiver, integration, outcome, status_code, error, latency_ms, reason, alerts
            FROM notification_attempts WHERE {where} ORDER BY at, id LIMIT {Limit}
            """);
        cmd.Parameters.Add(p);
        var result = new List<HistoryAttempt>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result.Add(new HistoryAttempt(
                reader.GetFieldValue<DateTimeOffset>(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetInt32(5), reader.IsDBNull(6) ? null : reader.GetString(6), reader.GetDouble(7),
                reader.IsDBNull(8) ? null : reader.GetString(8),
                [.. reader.GetFieldValue<long[]>(9).Select(f => Fingerprint.Format(unchecked((ulong)f)))]));
        }
        return result;
    }

    internal sealed record History(
        [property: JsonPropertyName("fingerprint")] string? AlertFingerprint,
        [property: JsonPropertyName("groupKey")] string? GroupKey,
        [property: JsonPropertyName("events")] IReadOnlyList<HistoryEvent> Events,
        [property: JsonPropertyName("notifications")] IReadOnlyList<HistoryAttempt> Notifications);

    internal sealed record HistoryEvent(
        [property: JsonPropertyName("at")] DateTimeOffset At,
        [property: JsonPropertyName("fingerprint")] string AlertFingerprint,
        [property: JsonPropertyName("event")] string Event,
        [property: JsonPropertyName("groupKey")] string? GroupKey,
        [property: JsonPropertyName("detail")] string? Detail);

    internal sealed record HistoryAttempt(
        [property: JsonPropertyName("at")] DateTimeOffset At,
        [property: JsonPropertyName("groupKey")] string GroupKey,
        [property: JsonPropertyName("receiver")] string Receiver,
        [property: JsonPropertyName("integration")] string Integration,
        [property: JsonPropertyName("outcome")] string Outcome,
        [property: JsonPropertyName("statusCode")] int? StatusCode,
        [property: JsonPropertyName("error")] string? Error,
        [property: JsonPropertyName("latencyMs")] double LatencyMs,
        [property: JsonPropertyName("reason")] string? Reason,
        [property: JsonPropertyName("alerts")] IReadOnlyList<string> Alerts);
}
