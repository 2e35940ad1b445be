using Alerting.Core.Configuration;

namespace Alerting.Channels.PagerDuty;

/// <summary>Alertmanager's PagerDuty receiver: Events API v1 (service_key) or v2 (routing_key), texts from Go templates.</summary>
internal sealed class PagerDutyChannel : NotificationChannel
{
    public const string Name = "pagerduty";

    public override string Kind => Name;

    public override IReadOnlyDictionary<string, string> SecretKeys { get; } =
        new Dictionary<string, string> { ["service_key"] = SecretMasker.Mask, ["routing_key"] = SecretMasker.Mask };

    public override object ReadGlobal(MapReader? global) => PagerDutyDefaults.Read(global);

    public override IntegrationConfig Read(MapReader entry, GlobalConfig global) => PagerDutyConfig.Read(entry, global);

    public override ResolvedNotifier Notifier(IntegrationConfig config, NotifierContext context) =>
        new(new PagerDutyNotifier((PagerDutyConfig)config, context.Clients, context.GoTemplates, context.Logger, context.Time), _ => "");

    public override string? Destination(IntegrationConfig config) =>
        config is PagerDutyConfig p ? (p.IsV1 ? PagerDutyMessage.V1Url : p.Url) + " " + (p.ServiceKey ?? p.ServiceKeyFile ?? p.RoutingKey ?? p.RoutingKeyFile) : null;
}
