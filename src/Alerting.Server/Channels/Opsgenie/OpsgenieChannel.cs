using Alerting.Core.Configuration;

namespace Alerting.Channels.Opsgenie;

/// <summary>Alertmanager's Opsgenie receiver: creates an alert per group (alias = the group key's hash) and closes it.</summary>
internal sealed class OpsgenieChannel : NotificationChannel
{
    public const string Name = "opsgenie";

    public override string Kind => Name;

    public override IReadOnlyDictionary<string, string> SecretKeys { get; } = new Dictionary<string, string> { ["api_key"] = SecretMasker.Mask };

    public override IReadOnlyCollection<string> GlobalSecretKeys { get; } = ["opsgenie_api_key"];

    public override object ReadGlobal(MapReader? global) => OpsgenieDefaults.Read(global);

    public override IntegrationConfig Read(MapReader entry, GlobalConfig global) => OpsgenieConfig.Read(entry, global);

    public override ResolvedNotifier Notifier(IntegrationConfig config, NotifierContext context) =>
        new(new OpsgenieNotifier((OpsgenieConfig)config, context.Clients, context.GoTemplates, context.Logger, context.Time), _ => "");

    public override string? Destination(IntegrationConfig config) => config is OpsgenieConfig o ? o.ApiUrl + " " + (o.ApiKey ?? o.ApiKeyFile) : null;
}
