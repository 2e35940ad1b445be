using System.Diagnostics;

namespace Alerting.Telemetry;

/// <summary>
/// The spans of a notification's way, from the POST to each channel send. Nothing listens unless tracing is on
/// (Hosting.TracingSetup), and then StartActivity returns null for what is not sampled: every caller copes with null.
/// </summary>
internal static class AlertingActivities
{
    public const string SourceName = "Alerting";

    public static readonly ActivitySource Source = new(SourceName);

    // Attribute names; alerting.* for ours, as OpenTelemetry asks of names outside its semantic conventions.
    public const string GroupKey = "alerting.group_key";
    public const string Receiver = "alerting.receiver";
    public const string Integration = "alerting.integration";
    public const string Attempt = "alerting.attempt";
    public const string Outcome = "alerting.outcome";
    public const string Alerts = "alerting.alerts";
    public const string Groups = "alerting.groups";
    public const string OutboxId = "alerting.outbox_id";
    public const string Reason = "alerting.reason";

    /// <summary>The W3C traceparent of the current span, to store or carry; null when nothing is traced.</summary>
    public static string? CurrentTraceParent() => Activity.Current is { IdFormat: ActivityIdFormat.W3C } a && a.Recorded ? a.Id : null;

    /// <summary>A W3C traceparent as a context, or default when absent or malformed.</summary>
    public static ActivityContext Parse(string? traceParent) =>
        traceParent is not null && ActivityContext.TryParse(traceParent, null, isRemote: true, out var context) ? context : default;

    /// <summary>
    /// A span whose parent is <paramref name="traceParent"/> (stored with a row, carried on a message) when there is
    /// one, linked to the span current here if that is in another trace (a sweep); otherwise a child of the current span.
    /// </summary>
    public static Activity? StartFrom(string name, string? traceParent, ActivityKind kind = ActivityKind.Internal)
    {
        var parent = Parse(traceParent);
        if (parent == default)
        {
            return Source.StartActivity(name, kind);
        }
        var current = Activity.Current;
        ActivityLink[]? links = current is null || current.TraceId == parent.TraceId ? null : [new ActivityLink(current.Context)];
        return Source.StartActivity(name, kind, parent, links: links);
    }
}
