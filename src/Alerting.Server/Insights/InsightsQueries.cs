namespace Alerting.Insights;

// PLACEHOLDER, replaced by the insdata branch (the real queries): it only lets the UI branch build and run
// before that merge. It answers every period with an empty report.
internal sealed class InsightsQueries(TimeProvider clock)
{
    public Task<InsightsReport> ReadAsync(InsightsPeriod period, int flappingMinimum, CancellationToken ct)
    {
        var to = clock.GetUtcNow();
        return Task.FromResult(new InsightsReport(period.Name, to - period.Length, to, [], [], new FlappingInsights(flappingMinimum, []), [], [], [],
            new SilenceInsights(0, null, null, [])));
    }
}
