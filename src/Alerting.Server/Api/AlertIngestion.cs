using Alerting.Configuration;
using Alerting.Core.Matching;
using Alerting.Ingestion;
using Alerting.Metrics;
using Alerting.Persistence;

namespace Alerting.Api;

/// <summary>
/// The write path of <c>POST /api/v2/alerts</c>: parse the whole body first (a malformed body stores
/// nothing), validate each alert, store the valid ones durably, and report the invalid ones.
/// </summary>
internal sealed class AlertIngestion(AlertWriter writer, ConfigHolder config, AlertingMetrics metrics, TimeProvider time, MatcherSyntax syntax)
{
    /// <summary>
    /// Returns null when every alert was stored, otherwise the errors of the rejected ones. <paramref name="v2"/>
    /// applies API v2's spec first (422, nothing stored); v1 had none.
    /// </summary>
    public async Task<string?> IngestAsync(HttpRequest request, bool v2, CancellationToken ct)
    {
        var posted = await ApiJson.ReadAsync<List<PostableAlert?>>(request, ct)
            ?? throw new BadInputException("request body must be a JSON array of alerts, not null");
        if (v2)
        {
            ApiSpec.CheckAlerts(posted);
        }
        var runtime = config.Current;
        var limits = runtime.Config.Server.Limits.ToInputLimits();
        if (posted.Count > limits.MaxAlertsPerRequest)
        {
            throw new BadInputException($"too many alerts in one request: {posted.Count} (limit {limits.MaxAlertsPerRequest})", StatusCodes.Status413PayloadTooLarge);
        }

        var now = time.GetUtcNow();
        var valid = new List<StoredAlert>(posted.Count);
        var errors = new List<string>();
        for (var i = 0; i < posted.Count; i++)
        {
            var p = posted[i];
            var problems = new List<string>();
            var alert = p is null
                ? null
                : AlertConversion.ToAlert(p.Labels, p.Annotations, p.StartsAt, p.EndsAt, p.GeneratorUrl, now, runtime.Config.Global.ResolveTimeout, limits, syntax, problems);
            if (alert is null)
            {
                if (p is null)
                {
                    problems.Add("alert is null");
                }
                errors.Add($"alert {i}: {string.Join("; ", problems)}");
                continue;
            }
            valid.Add(new StoredAlert(alert, "api"));
        }

        return await StoreAsync(valid, errors, now, ct);
    }

    /// <summary>Which label names are valid (--enable-feature's mode), for the other senders' endpoints.</summary>
    public MatcherSyntax Syntax => syntax;

    /// <summary>
    /// Stores the valid alerts durably and counts what was received; shared by every sender's endpoint.
    /// Returns null when every alert was stored, otherwise the errors of the rejected ones.
    /// </summary>
    public async Task<string?> StoreAsync(List<StoredAlert> valid, List<string> errors, DateTimeOffset now, CancellationToken ct)
    {
        await writer.WriteAsync(valid, ct);
        foreach (var s in valid)
        {
            metrics.AlertsReceived.WithLabels(s.Alert.Resolved(now) ? "resolved" : "firing").Inc();
        }
        if (errors.Count > 0)
        {
            metrics.AlertsInvalid.Inc(errors.Count);
            return string.Join("\n", errors);
        }
        return null;
    }
}
