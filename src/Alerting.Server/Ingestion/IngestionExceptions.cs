namespace Alerting.Ingestion;

/// <summary>The database cannot take writes now; the API answers 503 with Retry-After.</summary>
internal sealed class StoreUnavailableException(string message, Exception? inner) : Exception(message, inner);

/// <summary>The database refused the alerts themselves (the same data would fail again); the API answers 400.</summary>
internal sealed class AlertsRefusedException(string message) : Exception(message);
