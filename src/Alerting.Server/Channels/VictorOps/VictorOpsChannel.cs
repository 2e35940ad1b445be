using Alerting.Core.Configuration;

namespace Alerting.Channels.VictorOps;

/// <summary>Alertmanager's VictorOps (Splunk On-Call) receiver: one REST alert per group, RECOVERY once resolved.</summary>
internal sealed class VictorOpsChannel : NotificationChannel
{
    public const string Name = "victorops";

    public override string Kind => Name;

    public override IReadOnlyDictionary<string, string> SecretKeys { get; } = new Dictionary<string, string> { ["api_key"] = SecretMasker.Mask };

    public override IReadOnlyCollection<string> GlobalSecretKeys { get; } = ["victorops_api_key"];

    public override object ReadGlobal(MapReader? global) => VictorOpsDefaults.Read(global);

    public override IntegrationConfig Read(MapReader entry, GlobalConfig global) => VictorOpsConfig.Read(entry, global);

    public override ResolvedNotifier Notifier(IntegrationConfig config, NotifierContext context) =>
        new(new VictorOpsNotifier((VictorOpsConfig)config, context.Clients, context.GoTemplates, context.Logger, context.Time), _ => "");

    public override string? Destination(IntegrationConfig config) => config is VictorOpsConfig v ? v.ApiUrl + " " + (v.ApiKey ?? v.ApiKeyFile) + " " + v.RoutingKey : null;
}
