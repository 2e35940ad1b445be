using Alerting.Persistence;

namespace Alerting.Ingestion;

/// <summary>One request's alerts (or one writer's share of them), answered once its batch is committed.</summary>
internal sealed class WriteRequest(IReadOnlyList<StoredAlert> alerts)
{
    public IReadOnlyList<StoredAlert> Alerts { get; } = alerts;

    /// <summary>The request's span, which the batch that writes it continues (or links to).</summary>
    public string? TraceParent { get; } = Telemetry.AlertingActivities.CurrentTraceParent();

    public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>What PostgreSQL said when it refused these alerts as data.</summary>
    public string? Refusal { get; set; }

    /// <summary>One writer's share of a request others write the rest of.</summary>
    public bool Split { get; init; }

    /// <summary>New groups this share's batch held for the requests it wrote shares of.</summary>
    public List<HeldGroups> Holds { get; } = [];
}

/// <summary>New groups due at once that a batch held; freed when its last split request is fully written.</summary>
internal sealed class HeldGroups(List<string> keys, List<string> routes, int pending)
{
    public List<string> Keys { get; } = keys;

    public List<string> Routes { get; } = routes;

    public int Pending = pending;
}
