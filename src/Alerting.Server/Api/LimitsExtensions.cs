using Alerting.Core.Alerts;
using Alerting.Core.Configuration;

namespace Alerting.Api;

internal static class LimitsExtensions
{
    public static InputLimits ToInputLimits(this LimitsConfig limits) => new(
        limits.MaxLabelsPerAlert,
        limits.MaxLabelNameLength,
        limits.MaxLabelValueLength,
        limits.MaxAnnotationValueLength,
        limits.MaxAlertsPerRequest);
}
