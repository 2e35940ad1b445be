using Alerting.Core.Configuration;

namespace Alerting.Channels.Jira;

/// <summary>Alertmanager's Jira integration (0.28+): an issue per alert group, updated, reopened and resolved with it.</summary>
internal sealed class JiraChannel : NotificationChannel
{
    public const string Name = "jira";

    public override string Kind => Name;

    public override object ReadGlobal(MapReader? global) => JiraDefaults.Read(global);

    public override IntegrationConfig Read(MapReader entry, GlobalConfig global) => JiraConfig.Read(entry, global);

    public override ResolvedNotifier Notifier(IntegrationConfig config, NotifierContext context) =>
        new(new JiraNotifier((JiraConfig)config, context.Clients, context.GoTemplates, context.Time), _ => "");

    public override string? Destination(IntegrationConfig config) => config is JiraConfig j ? j.ApiUrl : null;
}
