using Alerting.Core.Alerts;

namespace Alerting.Persistence;

/// <summary>An alert with where it came from, as written to and read from the store.</summary>
internal sealed record StoredAlert(Alert Alert, string Source, string? Extra = null);
