using Alerting.Core.Configuration;

namespace Alerting.Channels.Incidentio;

/// <summary>Alertmanager's incident.io integration (0.29+): its alert data to an HTTP alert source.</summary>
internal sealed class IncidentioChannel : NotificationChannel
{
    public const string Name = "incidentio";

    public override string Kind => Name;

    // url is a plain URL in Alertmanager, shown as written; the token is the secret.
    public override IReadOnlyDictionary<string, string> SecretKeys { get; } = new Dictionary<string, string> { ["alert_source_token"] = SecretMasker.Mask };

    public override IntegrationConfig Read(MapReader entry, GlobalConfig global) => IncidentioConfig.Read(entry, global);

    public override ResolvedNotifier Notifier(IntegrationConfig config, NotifierContext context) =>
        new(new IncidentioNotifier((IncidentioConfig)config, context.Clients, context.Time), _ => "");

    public override string? Destination(IntegrationConfig config) => config is IncidentioConfig i ? i.Url ?? i.UrlFile : null;
}
