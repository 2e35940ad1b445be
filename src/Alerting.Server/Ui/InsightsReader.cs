using Alerting.Insights;

namespace Alerting.Ui;

/// <summary>
/// Where the insights page gets its report: <see cref="InsightsQueries.ReadAsync"/> in the service, a hand-built
/// report in the page's tests, so they check the rendering against known figures whatever the history holds.
/// </summary>
internal delegate Task<InsightsReport> InsightsReader(InsightsPeriod period, int flappingMinimum, CancellationToken ct);
