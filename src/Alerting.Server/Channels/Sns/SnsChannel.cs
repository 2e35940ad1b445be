using Alerting.Core.Configuration;

namespace Alerting.Channels.Sns;

/// <summary>Alertmanager's Amazon SNS receiver: Publish to a topic, a phone number or a target, signed with SigV4.</summary>
internal sealed class SnsChannel : NotificationChannel
{
    public const string Name = "sns";

    public override string Kind => Name;

    // sigv4.secret_key sits one level down; the masker's common keys cover it wherever it appears.
    public override IReadOnlyDictionary<string, string> SecretKeys { get; } = new Dictionary<string, string>();

    public override IntegrationConfig Read(MapReader entry, GlobalConfig global) => SnsConfig.Read(entry, global);

    public override ResolvedNotifier Notifier(IntegrationConfig config, NotifierContext context) =>
        new(new SnsNotifier((SnsConfig)config, context.Clients, context.GoTemplates, context.Logger, context.Time), _ => "");

    public override string? Destination(IntegrationConfig config) =>
        config is SnsConfig s ? string.Join(' ', s.ApiUrl, s.SigV4.Region, s.TopicArn, s.PhoneNumber, s.TargetArn) : null;
}
