using System.Text.Json.Serialization;
using Alerting.Auth;
using Alerting.Core.Labels;
using Alerting.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Alerting.Api;

/// <summary>
/// Our addition: what happened to an alert or a group — every state change and every send attempt.
/// Answers "who was told what, when, and why not". The newest 1,000 events and attempts, oldest first: for an
/// alert that has fired for months, what happened lately is what matters.
/// </summary>
internal static class HistoryApi
{
    private const int Limit = 1000;

    public static void MapHistoryApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v2/history").WithTags("history (ours)");
        group.MapGet("/alerts/{fingerprint}", ForAlert).RequireAccess(Permission.Read)
            .WithSummary("Ours: an alert's state changes and send attempts (the newest 1,000, oldest first); fingerprint is 16 hex digits");
        group.MapGet("/groups", ForGroup).RequireAccess(Permission.Read)
            .WithSummary("Ours: an alert group's state changes and send attempts; groupKey is Alertmanager's group key");
    }

    private static async Task<Results<Ok<HistoryResponse>, BadRequest<string>>> ForAlert(string fingerprint, HistoryReader history, CancellationToken ct)
    {
        if (!Fingerprint.TryParse(fingerprint, out var fp))
        {
            return TypedResults.BadRequest($"\"{fingerprint}\" is not a fingerprint (16 hex digits)");
        }
        return TypedResults.Ok(await ReadAsync(history, new HistoryQuery(Limit, NewestFirst: true, Fingerprint: fp), fingerprint, null, ct));
    }

    private static async Task<Results<Ok<HistoryResponse>, BadRequest<string>>> ForGroup(string? groupKey, HistoryReader history, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(groupKey))
        {
            return TypedResults.BadRequest("groupKey is required, e.g. ?groupKey={}:{alertname=\"Disk\"}");
        }
        return TypedResults.Ok(await ReadAsync(history, new HistoryQuery(Limit, NewestFirst: true, GroupKey: groupKey), null, groupKey, ct));
    }

    private static async Task<HistoryResponse> ReadAsync(HistoryReader history, HistoryQuery query, string? fingerprint, string? groupKey, CancellationToken ct)
    {
        var events = (await history.EventsAsync(query, ct)).AsEnumerable().Reverse();
        var attempts = (await history.AttemptsAsync(query with { WithAlerts = true }, ct)).AsEnumerable().Reverse();
        return new HistoryResponse(fingerprint, groupKey,
            [.. events.Select(e => new HistoryEvent(e.At, Fingerprint.Format(e.Fingerprint), e.Event, e.GroupKey, e.Detail))],
            [.. attempts.Select(a => new HistoryAttempt(a.At, a.GroupKey, a.Receiver, a.Integration, a.Outcome, a.StatusCode, a.Error,
                a.LatencyMs, a.Reason, [.. a.Alerts!.Select(Fingerprint.Format)]))]);
    }

    internal sealed record HistoryResponse(
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
