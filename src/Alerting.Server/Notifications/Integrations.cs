using Alerting.Configuration;

namespace Alerting.Notifications;

/// <summary>One configured integration of a receiver, named as Alertmanager names them in its notification log: <c>webhook[0]</c>.</summary>
internal sealed record IntegrationRef(string Name, string Kind, int Index, bool SendResolved, IIntegrationConfig Config);

internal static class Integrations
{
    public static IEnumerable<IntegrationRef> Of(ReceiverConfig receiver)
    {
        foreach (var (c, i) in receiver.WebhookConfigs.Select((c, i) => (c, i)))
        {
            yield return new IntegrationRef($"webhook[{i}]", "webhook", i, c.SendResolved, c);
        }
        foreach (var (c, i) in receiver.EmailConfigs.Select((c, i) => (c, i)))
        {
            yield return new IntegrationRef($"email[{i}]", "email", i, c.SendResolved, c);
        }
        foreach (var (c, i) in receiver.SlackConfigs.Select((c, i) => (c, i)))
        {
            yield return new IntegrationRef($"slack[{i}]", "slack", i, c.SendResolved, c);
        }
        foreach (var (c, i) in receiver.DingTalkConfigs.Select((c, i) => (c, i)))
        {
            yield return new IntegrationRef($"dingtalk[{i}]", "dingtalk", i, c.SendResolved, c);
        }
    }
}
